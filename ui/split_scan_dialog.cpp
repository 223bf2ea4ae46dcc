#include "ui/split_scan_dialog.h"

#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPainter>
#include <QPushButton>
#include <opencv2/imgproc.hpp>

#include "core/image/qimage_convert.h"

namespace pm::ui {

namespace {
constexpr int kPreviewSide = 720;

QDoubleSpinBox* spin(QWidget* parent, double max, const QString& suffix) {
    auto* box = new QDoubleSpinBox(parent);
    box->setRange(-max, max);
    box->setDecimals(1);
    box->setSuffix(suffix);
    return box;
}
}  // namespace

SplitScanDialog::SplitScanDialog(const cv::Mat& scan, std::vector<cv::RotatedRect> boxes, QWidget* parent)
    : QDialog(parent), scan_(scan), boxes_(std::move(boxes)) {
    setWindowTitle(tr("Split Scanned Photos"));
    thumbScale_ = std::min(1.0, double(kPreviewSide) / std::max(scan.cols, scan.rows));
    cv::Mat small;
    cv::resize(scan, small, cv::Size(), thumbScale_, thumbScale_, cv::INTER_AREA);
    scanThumb_ = image::toQImage(small).convertToFormat(QImage::Format_RGB32);

    view_ = new QLabel(this);
    view_->setMinimumSize(scanThumb_.size());
    list_ = new QListWidget(this);
    for (size_t i = 0; i < boxes_.size(); ++i) {
        auto* item = new QListWidgetItem(tr("Photo %1").arg(i + 1), list_);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Checked);
    }
    const double side = std::max(scan.cols, scan.rows);
    cx_ = spin(this, side, tr(" px"));
    cy_ = spin(this, side, tr(" px"));
    width_ = spin(this, side, tr(" px"));
    height_ = spin(this, side, tr(" px"));
    angle_ = spin(this, 90, tr("°"));
    auto* form = new QFormLayout;
    form->addRow(tr("Centre x:"), cx_);
    form->addRow(tr("Centre y:"), cy_);
    form->addRow(tr("Width:"), width_);
    form->addRow(tr("Height:"), height_);
    form->addRow(tr("Angle:"), angle_);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Open as New Photos"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* side_ = new QVBoxLayout;
    side_->addWidget(new QLabel(tr("Untick a photo to skip it; select one to adjust its box."), this));
    side_->addWidget(list_);
    side_->addLayout(form);
    auto* top = new QHBoxLayout;
    top->addWidget(view_, 1);
    top->addLayout(side_);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(buttons);

    connect(list_, &QListWidget::currentRowChanged, this, &SplitScanDialog::selectBox);
    connect(list_, &QListWidget::itemChanged, this, &SplitScanDialog::redraw);
    for (QDoubleSpinBox* s : {cx_, cy_, width_, height_, angle_})
        connect(s, &QDoubleSpinBox::valueChanged, this, &SplitScanDialog::editSelected);
    if (!boxes_.empty()) list_->setCurrentRow(0);
    redraw();
}

std::vector<cv::RotatedRect> SplitScanDialog::acceptedBoxes() const {
    std::vector<cv::RotatedRect> kept;
    for (int i = 0; i < list_->count(); ++i)
        if (list_->item(i)->checkState() == Qt::Checked) kept.push_back(boxes_[size_t(i)]);
    return kept;
}

void SplitScanDialog::setBox(int index, const cv::RotatedRect& box) {
    boxes_.at(size_t(index)) = box;
    if (index == list_->currentRow()) selectBox(index);
    redraw();
}

void SplitScanDialog::selectBox(int index) {
    if (index < 0 || index >= int(boxes_.size())) return;
    const cv::RotatedRect& b = boxes_[size_t(index)];
    updating_ = true;
    cx_->setValue(b.center.x);
    cy_->setValue(b.center.y);
    width_->setValue(b.size.width);
    height_->setValue(b.size.height);
    angle_->setValue(b.angle);
    updating_ = false;
    redraw();
}

void SplitScanDialog::editSelected() {
    const int index = list_->currentRow();
    if (updating_ || index < 0) return;
    boxes_[size_t(index)] = cv::RotatedRect(cv::Point2f(float(cx_->value()), float(cy_->value())),
                                            cv::Size2f(float(width_->value()), float(height_->value())),
                                            float(angle_->value()));
    redraw();
}

void SplitScanDialog::redraw() {
    preview_ = scanThumb_.copy();
    QPainter painter(&preview_);
    painter.setRenderHint(QPainter::Antialiasing);
    for (size_t i = 0; i < boxes_.size(); ++i) {
        const bool kept = list_->item(int(i))->checkState() == Qt::Checked;
        const bool selected = int(i) == list_->currentRow();
        cv::Point2f corners[4];
        boxes_[i].points(corners);
        QPolygonF polygon;
        for (const cv::Point2f& c : corners) polygon << QPointF(c.x * thumbScale_, c.y * thumbScale_);
        painter.setPen(QPen(kept ? QColor(0, 170, 255) : QColor(160, 160, 160), selected ? 3 : 2,
                            kept ? Qt::SolidLine : Qt::DashLine));
        painter.setBrush(kept ? QColor(0, 170, 255, 40) : Qt::NoBrush);
        painter.drawPolygon(polygon);
        painter.drawText(polygon.boundingRect().center(), QString::number(i + 1));
    }
    painter.end();
    view_->setPixmap(QPixmap::fromImage(preview_));
}

}  // namespace pm::ui
