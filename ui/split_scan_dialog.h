#pragma once
// Shows the photos found on a flatbed scan as boxes over it. The user can reject a box (uncheck it)
// or adjust one (centre, size, angle); the accepted ones are extracted, straightened, as new photos.
#include <QDialog>
#include <vector>

#include <opencv2/core.hpp>

class QDoubleSpinBox;
class QLabel;
class QListWidget;

namespace pm::ui {

class SplitScanDialog : public QDialog {
    Q_OBJECT
public:
    SplitScanDialog(const cv::Mat& scan, std::vector<cv::RotatedRect> boxes, QWidget* parent = nullptr);

    /// The boxes the user kept, as adjusted.
    std::vector<cv::RotatedRect> acceptedBoxes() const;
    QListWidget* list() const { return list_; }
    /// Adjusts box `index` (as the spin boxes do).
    void setBox(int index, const cv::RotatedRect& box);
    const QImage& preview() const { return preview_; }

private:
    void selectBox(int index);
    void editSelected();
    void redraw();

    cv::Mat scan_;
    QImage scanThumb_;
    double thumbScale_ = 1.0;
    std::vector<cv::RotatedRect> boxes_;
    QImage preview_;
    QLabel* view_;
    QListWidget* list_;
    QDoubleSpinBox* cx_;
    QDoubleSpinBox* cy_;
    QDoubleSpinBox* width_;
    QDoubleSpinBox* height_;
    QDoubleSpinBox* angle_;
    bool updating_ = false;
};

}  // namespace pm::ui
