#pragma once
// A shown, active main window on the offscreen platform with no models, and photos to open in it.
#include <QApplication>
#include <QTest>
#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "tests/support/engine_options.h"
#include "tests/support/testdata.h"
#include "ui/main_window.h"

namespace pm::test {

/// A smooth random 320x240 photo written to `dir`/`name`; returns its path.
inline QString writeTestPhoto(const TempDir& dir, const std::string& name, int seed) {
    cv::Mat pixels(240, 320, CV_8UC3);
    cv::RNG rng(seed);
    rng.fill(pixels, cv::RNG::UNIFORM, 0, 256);
    cv::GaussianBlur(pixels, pixels, {0, 0}, 3);
    const std::string path = dir.file(name);
    cv::imwrite(path, pixels);
    return QString::fromStdString(path);
}

struct ShownWindow : ::testing::Test {
    TempDir dir;
    ui::MainWindow window{cpuWithoutModels(dir)};
    void SetUp() override {
        // No real dialog may block a test: an unexpected question fails it and is answered Cancel.
        window.setSavePrompt([](ui::Document*) {
            ADD_FAILURE() << "unexpected question about one photo";
            return QMessageBox::Cancel;
        });
        window.setSaveAllPrompt([](const QList<ui::Document*>&) {
            ADD_FAILURE() << "unexpected list of unsaved photos";
            return QMessageBox::Cancel;
        });
        window.setSaveAsPrompt([](ui::Document*) {
            ADD_FAILURE() << "unexpected file dialog";
            return QString();
        });
        window.show();
        QApplication::setActiveWindow(&window);
        ASSERT_TRUE(QTest::qWaitForWindowActive(&window)) << "shortcuts need an active window";
    }
};

}  // namespace pm::test
