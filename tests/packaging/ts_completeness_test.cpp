// The committed Qt Linguist files: every message translated, placeholders kept, and no string of
// the code missing (lupdate run over the same sources as the update_translations target).
#include <gtest/gtest.h>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <algorithm>

namespace {

struct TsMessage {
    QString context;
    QString source;
    QString comment;
    QString type;       // "", "unfinished", "vanished", "obsolete"
    QStringList forms;  // the translation, or each numerus form
    QString key() const {
        return context + " | " + source + (comment.isEmpty() ? "" : " | " + comment);
    }
};

std::vector<TsMessage> readTs(const QString& path, QString* error) {
    std::vector<TsMessage> messages;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = path + ": " + file.errorString();
        return messages;
    }
    QXmlStreamReader xml(&file);
    QString context;
    TsMessage* current = nullptr;
    bool numerus = false;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement()) continue;
        const auto name = xml.name();
        if (name == QLatin1String("context")) {
            context.clear();
            current = nullptr;
        } else if (name == QLatin1String("name") && !current) {
            context = xml.readElementText();
        } else if (name == QLatin1String("message")) {
            messages.push_back({context, {}, {}, {}, {}});
            current = &messages.back();
            numerus = xml.attributes().value("numerus") == QLatin1String("yes");
        } else if (current && name == QLatin1String("source")) {
            current->source = xml.readElementText();
        } else if (current && name == QLatin1String("comment")) {
            current->comment = xml.readElementText();
        } else if (current && name == QLatin1String("translation")) {
            current->type = xml.attributes().value("type").toString();
            if (!numerus) current->forms << xml.readElementText();
        } else if (current && name == QLatin1String("numerusform")) {
            current->forms << xml.readElementText();
        }
    }
    if (xml.hasError())
        *error = QStringLiteral("%1:%2: %3").arg(path).arg(xml.lineNumber()).arg(xml.errorString());
    return messages;
}

QStringList tsFiles() {
    return QString(PM_TS_FILES).split('|', Qt::SkipEmptyParts);
}

bool isLive(const TsMessage& m) {
    return m.type != "vanished" && m.type != "obsolete";
}

QSet<QString> placeholders(const QString& text) {
    QSet<QString> found;
    static const QRegularExpression re(QStringLiteral("%L?\\d+|\\[\\*\\]"));
    for (auto it = re.globalMatch(text); it.hasNext();) found.insert(it.next().captured());
    return found;
}

// "&File" has a keyboard accelerator; "&&" is a literal ampersand.
bool hasAccelerator(const QString& text) {
    static const QRegularExpression re(QStringLiteral("(^|[^&])&[^&\\s]"));
    return re.match(text).hasMatch();
}

TEST(Translations, EveryMessageIsTranslatedAndFinished) {
    ASSERT_FALSE(tsFiles().isEmpty());
    for (const QString& ts : tsFiles()) {
        QString error;
        const auto messages = readTs(ts, &error);
        ASSERT_TRUE(error.isEmpty()) << error.toStdString();
        ASSERT_GT(messages.size(), 50u)
            << ts.toStdString() << " holds too few messages to be the window's";
        QStringList problems;
        for (const TsMessage& m : messages) {
            if (!isLive(m)) continue;
            const bool empty = m.forms.isEmpty() ||
                               std::any_of(m.forms.begin(), m.forms.end(),
                                           [](const QString& f) { return f.trimmed().isEmpty(); });
            if (m.type == "unfinished" || empty)
                problems << QStringLiteral("  %1%2").arg(
                    m.key(), m.type == "unfinished" ? " (unfinished)" : " (empty)");
        }
        EXPECT_TRUE(problems.isEmpty())
            << QDir(PM_SOURCE_DIR).relativeFilePath(ts).toStdString()
            << " needs a finished translation for:\n"
            << problems.join('\n').toStdString() << "\nTranslate them in Qt Linguist (linguist "
            << ts.toStdString() << ").";
    }
}

TEST(Translations, KeepPlaceholdersAndAccelerators) {
    for (const QString& ts : tsFiles()) {
        QString error;
        const auto messages = readTs(ts, &error);
        ASSERT_TRUE(error.isEmpty()) << error.toStdString();
        QStringList problems;
        for (const TsMessage& m : messages) {
            if (!isLive(m)) continue;
            for (const QString& form : m.forms) {
                if (form.isEmpty()) continue;  // reported by the test above
                if (placeholders(form) != placeholders(m.source))
                    problems << "  placeholders differ: " + m.key() + " -> " + form;
                if (hasAccelerator(m.source) && !hasAccelerator(form))
                    problems << "  accelerator (&) lost: " + m.key() + " -> " + form;
            }
        }
        EXPECT_TRUE(problems.isEmpty()) << ts.toStdString() << ":\n"
                                        << problems.join('\n').toStdString();
    }
}

TEST(Translations, CoverEveryStringInTheCode) {
    if (!QFile::exists(PM_LUPDATE))
        GTEST_SKIP() << PM_LUPDATE << " is not installed (qt6-l10n-tools)";
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString fresh = dir.filePath("fresh.ts");
    QStringList args{"-I", PM_SOURCE_DIR, "-no-obsolete", "-locations", "none", "-silent"};
    args << QString(PM_LUPDATE_SOURCES).split('|', Qt::SkipEmptyParts) << "-ts" << fresh;
    QProcess lupdate;
    lupdate.setProcessChannelMode(QProcess::MergedChannels);
    lupdate.start(PM_LUPDATE, args);
    ASSERT_TRUE(lupdate.waitForFinished(120000)) << "lupdate did not finish";
    ASSERT_EQ(lupdate.exitCode(), 0) << lupdate.readAll().toStdString();

    QString error;
    QSet<QString> inCode;
    for (const TsMessage& m : readTs(fresh, &error)) inCode.insert(m.key());
    ASSERT_TRUE(error.isEmpty()) << error.toStdString();
    // A parse that found nothing would let every check below pass.
    ASSERT_TRUE(inCode.contains("pm::ui::MainWindow | &File"))
        << "lupdate did not read the window's sources";

    for (const QString& ts : tsFiles()) {
        QSet<QString> committed;
        for (const TsMessage& m : readTs(ts, &error))
            if (isLive(m)) committed.insert(m.key());
        ASSERT_TRUE(error.isEmpty()) << error.toStdString();
        QStringList missing;
        for (const QString& key : inCode)
            if (!committed.contains(key)) missing << "  " + key;
        missing.sort();
        EXPECT_TRUE(missing.isEmpty())
            << QDir(PM_SOURCE_DIR).relativeFilePath(ts).toStdString()
            << " lacks these strings of the code:\n"
            << missing.join('\n').toStdString()
            << "\nRun `cmake --build <build> --target update_translations`, then translate them in "
               "Qt Linguist.";
    }
}

}  // namespace
