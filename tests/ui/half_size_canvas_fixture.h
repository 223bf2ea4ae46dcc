#pragma once
// The canvas set-up the Select and Scissors tests share: an 800x600 photo on a 400x300 canvas (so a
// widget point is half the image point), shown offscreen, with one tool chosen.
#include <QString>
#include <QTest>
#include <gtest/gtest.h>

#include "ui/canvas_widget.h"
#include "ui/document.h"

namespace pm::test {

class HalfSizeCanvasFixture : public ::testing::Test {
protected:
    HalfSizeCanvasFixture(image::LoadedPhoto photo, const QString& path, ui::BrushTool tool)
        : doc(std::move(photo), path), tool_(tool) {}

    void SetUp() override {
        canvas.resize(400, 300);
        canvas.show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(&canvas));
        ASSERT_DOUBLE_EQ(canvas.transform().zoom(), 0.5) << "the photo must be 800x600";
        canvas.setTool(tool_);
    }

    ui::Document doc;
    ui::CanvasWidget canvas{&doc};

private:
    ui::BrushTool tool_;
};

}  // namespace pm::test
