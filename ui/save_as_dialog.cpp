#include "ui/save_as_dialog.h"

#include <QCoreApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QRegularExpression>

namespace pm::ui {

namespace {
/// The extensions inside a filter's parentheses, without "*.": "PNG (*.png)" -> {"png"}.
QStringList filterExtensions(const QString& filter) {
    QStringList extensions;
    const QRegularExpression pattern(QStringLiteral(R"(\*\.([A-Za-z0-9]+))"));
    for (auto it = pattern.globalMatch(filter); it.hasNext();) extensions << it.next().captured(1).toLower();
    return extensions;
}
}  // namespace

QStringList saveNameFilters() {
    return {QCoreApplication::translate("SaveAsDialog", "JPEG (*.jpg *.jpeg)"),
            QCoreApplication::translate("SaveAsDialog", "PNG (*.png)"),
            QCoreApplication::translate("SaveAsDialog", "TIFF (*.tif *.tiff)"),
            QCoreApplication::translate("SaveAsDialog", "WebP (*.webp)"),
            QCoreApplication::translate("SaveAsDialog", "BMP (*.bmp)")};
}

QString saveFilterForPath(const QString& path) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    const QStringList filters = saveNameFilters();
    for (const QString& filter : filters)
        if (filterExtensions(filter).contains(suffix)) return filter;
    return filters.front();
}

QString pathForSaveFilter(const QString& path, const QString& filter) {
    const QFileInfo info(path);
    const QStringList extensions = filterExtensions(filter);
    if (info.fileName().isEmpty() || extensions.isEmpty() || extensions.contains(info.suffix().toLower()))
        return path;
    const QString base = info.suffix().isEmpty() ? info.fileName() : info.completeBaseName();
    // Only the name changes; the folder part of `path` is kept exactly as given.
    return path.left(path.size() - info.fileName().size()) + base + '.' + extensions.front();
}

QString askSaveAsPath(QWidget* parent, const QString& title, const QString& suggested) {
    QFileDialog dialog(parent, title);
    dialog.setAcceptMode(QFileDialog::AcceptSave);
    dialog.setFileMode(QFileDialog::AnyFile);
    dialog.setNameFilters(saveNameFilters());
    const QString filter = saveFilterForPath(suggested);
    dialog.selectNameFilter(filter);
    dialog.setDefaultSuffix(filterExtensions(filter).value(0));
    dialog.selectFile(pathForSaveFilter(suggested, filter));
    // Picking another type renames the file to match, as the saved format follows the extension.
    QObject::connect(&dialog, &QFileDialog::filterSelected, &dialog, [&dialog](const QString& chosen) {
        dialog.setDefaultSuffix(filterExtensions(chosen).value(0));
        const QStringList files = dialog.selectedFiles();
        if (!files.isEmpty()) dialog.selectFile(QFileInfo(pathForSaveFilter(files.front(), chosen)).fileName());
    });
    if (dialog.exec() != QDialog::Accepted) return {};
    return dialog.selectedFiles().value(0);
}

}  // namespace pm::ui
