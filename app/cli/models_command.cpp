#include "app/cli/models_command.h"

#include <unistd.h>

#include <QCommandLineParser>
#include <QUrl>
#include <cstdio>
#include <exception>

#include "app/cli/cli_common.h"
#include "app/engine_environment.h"
#include "core/engine/engine.h"
#include "core/engine/model_registry.h"
#include "model_store/model_files.h"
#include "model_store/model_folders.h"

namespace pm::cli {
namespace {

QString sizeText(int64_t bytes) {
    if (bytes <= 0) return QStringLiteral("size unknown");
    return QStringLiteral("%1 MB").arg(static_cast<double>(bytes) / 1e6, 0, 'f', 1);
}

QString stateText(const models::FileCheck& check) {
    switch (check.state) {
    case models::FileState::NotInstalled: return QStringLiteral("not installed");
    case models::FileState::Verified: return QStringLiteral("installed and verified");
    case models::FileState::Unverified: return QStringLiteral("installed, not verified (%1)").arg(check.problem);
    case models::FileState::Broken: return QStringLiteral("broken: %1").arg(check.problem);
    }
    return {};
}

int list(const engine::ModelRegistry& registry) {
    const QString dir = QString::fromStdString(registry.modelsDir());
    std::printf("models folder: %s\n", qPrintable(dir));
    for (const auto& e : registry.entries()) {
        const auto check = models::checkInstalled(e, dir);
        if (e.isFolder()) {  // its files: how many, and how many bytes are published
            int64_t known = 0;
            for (const auto& f : e.files) known += f.sizeBytes;
            std::printf("%s (folder %s, %zu files%s)\n", e.id.c_str(), e.file.c_str(), e.files.size(),
                        e.sizeBytes > 0 ? "" : qPrintable(QStringLiteral(", %1 published").arg(sizeText(known))));
            std::printf("  %s\n  %s, licence: %s\n  improves: %s\n", qPrintable(stateText(check)),
                        qPrintable(sizeText(e.sizeBytes)), e.license.empty() ? "unknown" : e.license.c_str(),
                        e.improves.empty() ? "-" : e.improves.c_str());
            continue;
        }
        std::printf("%s\n  %s\n  %s, licence: %s\n  improves: %s\n", e.id.c_str(),
                    qPrintable(stateText(check)), qPrintable(sizeText(e.sizeBytes)),
                    e.license.empty() ? "unknown" : e.license.c_str(),
                    e.improves.empty() ? "-" : e.improves.c_str());
    }
    return 0;
}

int download(const engine::ModelRegistry& registry, const QString& id) {
    const engine::ModelEntry* entry = models::findModel(registry, id);
    if (!entry) return fail(QStringLiteral("no model '%1' in the manifest").arg(id));
    // A direct download names the file itself; other URLs are project pages to read first.
    if (!models::hasDirectDownload(*entry))
        return fail(QStringLiteral("model '%1' has no direct download; get it from %2 and use "
                                   "'photomend-cli models import FILE'")
                        .arg(id, QString::fromStdString(entry->url)));
    const QString dir = QString::fromStdString(registry.modelsDir());
    const bool terminal = isatty(fileno(stderr));
    int lastTenth = -1;
    const auto report = [&](qint64 received, qint64 total) {
        if (total <= 0) return;
        const int tenth = static_cast<int>(received * 10 / total);
        if (!terminal && tenth == lastTenth) return;  // logs get one line per 10 %
        lastTenth = tenth;
        std::fprintf(stderr, terminal ? "\r%s: %3d%%" : "%s: %d%%\n", entry->id.c_str(),
                     static_cast<int>(received * 100 / total));
    };
    // A folder model (PowerPaint, SD inpainting) is every file of its folder, installed at once.
    const QString error = entry->isFolder() ? models::downloadFolderAndWait(*entry, dir, report)
                                            : models::downloadAndWait(models::downloadRequestFor(*entry, dir), report);
    if (terminal) std::fputc('\n', stderr);
    if (!error.isEmpty()) return fail(error);
    const auto check = models::checkInstalled(*entry, QString::fromStdString(registry.modelsDir()));
    std::printf("%s: %s\n", entry->id.c_str(), qPrintable(stateText(check)));
    return 0;
}

}  // namespace

int runModels(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Manage the optional AI models: list, download ID, import FILE|FOLDER, remove ID.");
    parser.addPositionalArgument("action", "list | download ID | import FILE|FOLDER | remove ID");
    parser.addOption({"models-dir", "The models folder (default: the user's).", "DIR"});
    parser.addOption({"manifest", "The model manifest (default: the one shipped).", "FILE"});
    int exitCode = 0;
    if (!parseOrExit(parser, arguments, &exitCode)) return exitCode;
    const QStringList words = parser.positionalArguments();
    const QString action = words.value(0);
    const bool takesOne = action == "download" || action == "import" || action == "remove";
    if (!(action == "list" && words.size() == 1) && !(takesOne && words.size() == 2)) {
        std::fputs("photomend-cli: usage: models list | download ID | import FILE|FOLDER | remove ID\n", stderr);
        return 2;
    }
    try {
        // The same folders as every other command: the flags, else the environment's defaults.
        engine::EngineOptions options;
        if (parser.isSet("models-dir")) options.modelsDir = parser.value("models-dir").toStdString();
        if (parser.isSet("manifest")) options.manifestPath = parser.value("manifest").toStdString();
        app::applyEngineEnvironment(options);
        const std::string& dir = options.modelsDir;
        const auto registry = engine::ModelRegistry::load(options.manifest(), dir);
        if (action == "list") return list(registry);
        if (action == "download") return download(registry, words[1]);
        QString error;
        if (action == "import") {
            QString id;
            error = models::importModel(registry, words[1], &id);
            if (error.isEmpty()) std::printf("%s: imported\n", qPrintable(id));
        } else {
            error = models::removeModel(registry, words[1]);
            if (error.isEmpty()) std::printf("%s: removed\n", qPrintable(words[1]));
        }
        return error.isEmpty() ? 0 : fail(error);
    } catch (const std::exception& e) {
        return fail(QString::fromStdString(e.what()));
    }
}

}  // namespace pm::cli
