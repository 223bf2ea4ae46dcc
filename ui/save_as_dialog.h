#pragma once
// The Save As dialog: the file type list follows the document's extension (a PNG is offered as PNG,
// not JPEG), and the file name's extension follows the type the user picks, so the two never
// disagree. The choice of filter and extension is plain functions, tested without a dialog.
#include <QString>
#include <QStringList>

class QWidget;

namespace pm::ui {

/// The name filters of the formats PhotoMend writes ("PNG (*.png)", ...), JPEG first.
QStringList saveNameFilters();
/// The filter whose patterns match `path`'s extension (case-insensitive); JPEG when none does.
QString saveFilterForPath(const QString& path);
/// `path` with its extension replaced by `filter`'s first one, unless it already has one of the
/// filter's extensions (so "a.jpeg" stays "a.jpeg" under JPEG). A path without a name is unchanged.
QString pathForSaveFilter(const QString& path, const QString& filter);

/// Asks where to save; `suggested` gives the folder, name and initial type. Empty when cancelled.
QString askSaveAsPath(QWidget* parent, const QString& title, const QString& suggested);

}  // namespace pm::ui
