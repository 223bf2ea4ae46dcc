#pragma once
// Pairing INPUT/MASK/OUTPUT files for a photomend-cli command, and making sure before any work that
// every output can be written and none of them would replace an input or a mask.
#include <QString>
#include <vector>

namespace pm::cli {

struct FileTask {
    QString input;
    QString mask;    ///< may be empty for commands without masks
    QString output;
};

/// INPUT a file: one task. INPUT a folder: one task per supported photo in it, OUTPUT a folder
/// (created), MASK a folder holding masks with the same base names, or one mask for all.
/// Throws pm::Error when the combination makes no sense, when an output would overwrite an input
/// or a mask (whatever the spelling, symbolic or hard link), or when an output cannot be written.
std::vector<FileTask> planTasks(const QString& input, const QString& mask, const QString& output);

/// Creates `folder` when needed and checks that files can be created in it, so that a read-only or
/// missing folder fails at once rather than after minutes of work. Throws pm::Error.
void prepareOutputFolder(const QString& folder);

/// Checks that the file `output` can be written: its folder exists and takes new files, and it is
/// not a folder or a read-only file. Throws pm::Error.
void checkOutputWritable(const QString& output);

}  // namespace pm::cli
