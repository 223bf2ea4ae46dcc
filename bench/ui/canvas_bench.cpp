// How smooth the canvas is on a 24-megapixel photo: repaint times of the real CanvasWidget (visible
// region only, downscaled pyramid when zoomed out) beside a naive reference in the same run (drawing
// the whole full-resolution image scaled into the widget, as a simple viewer would).
//   canvas_bench [repeats]     (QT_QPA_PLATFORM=offscreen works)
#include <QApplication>
#include <QPainter>
#include <algorithm>
#include <cstdio>

#include <opencv2/core.hpp>

#include "bench/common/median_time.h"
#include "ui/canvas_widget.h"
#include "ui/document.h"

using pm::bench::medianMs;

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const int repeats = argc > 1 ? std::max(3, atoi(argv[1])) : 15;

    pm::image::LoadedPhoto photo;
    photo.pixels.create(4000, 6000, CV_8UC3);
    cv::randu(photo.pixels, 0, 256);
    photo.format = pm::image::Format::Jpeg;
    pm::ui::Document document(std::move(photo), "/tmp/bench.jpg");
    pm::ui::CanvasWidget canvas(&document);
    canvas.resize(1600, 1000);
    canvas.show();
    QImage target(canvas.size(), QImage::Format_RGB32);

    auto repaint = [&](const QRect& region) {
        QPainter p(&target);
        canvas.render(&p, region.topLeft(), QRegion(region));
    };
    canvas.fitToWindow();
    repaint(canvas.rect());  // builds the pyramid once, as the first paint after opening does
    const double fitFull = medianMs(repeats, [&] { repaint(canvas.rect()); });
    // A brush dab at fit zoom repaints only the dab's box.
    const double fitDab = medianMs(repeats, [&] { repaint(QRect(700, 400, 80, 80)); });
    // With a large selection (a 1500 px wide stroke across the photo) the overlay is drawn too.
    document.beginStroke(false);
    document.strokeSegment({500, 2000}, {5500, 2000}, 750);
    document.endStroke();
    const double fitMasked = medianMs(repeats, [&] { repaint(canvas.rect()); });
    canvas.actualSize();
    const double actualFull = medianMs(repeats, [&] { repaint(canvas.rect()); });

    // Reference: the whole 24 MP image scaled into the widget on every paint.
    const QImage& full = document.displayImage();
    const double naive = medianMs(std::max(3, repeats / 3), [&] {
        QPainter p(&target);
        p.setRenderHint(QPainter::SmoothPixmapTransform);
        const double z = std::min(1600.0 / full.width(), 1000.0 / full.height());
        p.drawImage(QRectF(0, 0, full.width() * z, full.height() * z), full);
    });

    std::printf("canvas repaint on a 6000x4000 photo, widget 1600x1000, median of %d\n", repeats);
    std::printf("| case | PhotoMend ms | naive full-image ms | ratio |\n|---|---|---|---|\n");
    std::printf("| fit, whole view | %.1f | %.1f | %.1fx faster |\n", fitFull, naive, naive / fitFull);
    std::printf("| fit, brush dab 80x80 | %.2f | %.1f | %.0fx faster |\n", fitDab, naive, naive / fitDab);
    std::printf("| fit, whole view, 40%% of the photo masked | %.1f | %.1f | %.1fx faster |\n", fitMasked, naive, naive / fitMasked);
    std::printf("| 100%%, whole view, masked | %.1f | - | - |\n", actualFull);
    return 0;
}
