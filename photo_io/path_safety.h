#pragma once
// Making sure a save never replaces a file it must keep (the photo being read, its mask, another
// photo). The same file hides behind other spellings ("./a.jpg", "../in/a.jpg"), behind symbolic
// links (QSaveFile writes through a link to its target) and behind hard links (another name for the
// same bytes), so files are compared by identity (device and inode, after following links), not by
// their names.
#include <QString>
#include <QStringList>

namespace pm::photo_io {

/// Whether `a` and `b` are the same existing file or folder, whatever the spelling or links.
/// False when either does not exist.
bool isSameFile(const QString& a, const QString& b);

/// The file a save to `path` would replace or create: symbolic links followed, as QSaveFile does,
/// and the folder resolved; for a file that does not exist yet its resolved folder plus its name.
QString resolvedWritePath(const QString& path);

/// "" when writing `output` leaves every file of `keep` untouched; otherwise a one-line reason,
/// "refusing to overwrite the input a.jpg (b.jpg is a link to it); choose another output".
/// `what` names the kept files in the reason ("input", "mask").
QString overwriteRefusal(const QString& output, const QString& keep, const QString& what);

/// For Save As in the app: "" unless `path` is a symbolic link to an existing file other than
/// `ownFile` (the document's own file); then the reason, because saving would silently replace
/// the link's target, a different photo than the one named in the dialog.
QString linkRefusal(const QString& path, const QString& ownFile);

}  // namespace pm::photo_io
