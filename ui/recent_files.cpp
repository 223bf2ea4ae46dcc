#include "ui/recent_files.h"

#include <QDir>
#include <QFileInfo>
#include <QMenu>
#include <QSettings>

namespace pm::ui {

namespace {
const char* kKey = "recentFiles";
}

RecentFiles::RecentFiles(QObject* parent) : QObject(parent) {}

QStringList RecentFiles::files() const { return QSettings().value(kKey).toStringList(); }

void RecentFiles::add(const QString& path) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QStringList list = files();
    list.removeAll(absolute);
    list.prepend(absolute);
    while (list.size() > kMax) list.removeLast();
    QSettings().setValue(kKey, list);
}

void RecentFiles::clear() { QSettings().remove(kKey); }

void RecentFiles::populate(QMenu* menu) {
    menu->clear();
    const QStringList list = files();
    for (const QString& path : list) {
        QAction* action = menu->addAction(QFileInfo(path).fileName());
        action->setToolTip(QDir::toNativeSeparators(path));
        action->setStatusTip(QDir::toNativeSeparators(path));
        connect(action, &QAction::triggered, this, [this, path] { emit openRequested(path); });
    }
    if (list.isEmpty()) menu->addAction(tr("No recent files"))->setEnabled(false);
    menu->addSeparator();
    menu->addAction(tr("Clear list"), this, &RecentFiles::clear)->setEnabled(!list.isEmpty());
}

}  // namespace pm::ui
