#pragma once
// The File > Open Recent list, kept in QSettings (most recent first, at most kMax entries).
#include <QObject>
#include <QStringList>

class QMenu;

namespace pm::ui {

class RecentFiles : public QObject {
    Q_OBJECT
public:
    static constexpr int kMax = 10;
    explicit RecentFiles(QObject* parent = nullptr);

    QStringList files() const;
    void add(const QString& path);
    void clear();
    /// Fills `menu` with the list; choosing an entry emits openRequested.
    void populate(QMenu* menu);

signals:
    void openRequested(const QString& path);
};

}  // namespace pm::ui
