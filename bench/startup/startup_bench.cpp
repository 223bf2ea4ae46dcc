// Start-up as a user meets it: whole processes timed from spawn to exit, median of several runs,
// with /bin/true measured in the same run as the floor of starting any process here.
//
//   startup_bench [--bin DIR] [--baseline DIR] [--runs N] [--photo FILE]
//
// --bin: the folder holding photomend and photomend-cli (default: this build's app/). --baseline:
// another build's folder, timed in the same run for a before/after (its window only with
// --baseline-window 1: a build older than the first-paint hook never quits; runs stop after 30 s).
// The window runs on the
// offscreen platform and quits after its first paint (PHOTOMEND_QUIT_AFTER_FIRST_PAINT=1). The
// removal is a 12 MP JPEG (--photo resized to 4000x3000) with an object mask of ~2 % (the mask of
// bench/quality/remove_speed), written to a temporary folder. Settings, models and caches come from
// empty XDG folders there, so the user's own are neither read nor changed: no models installed.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

extern char** environ;

namespace fs = std::filesystem;

namespace {

struct Run {
    double seconds = 0;
    int status = -1;
};

Run runOnce(const std::vector<std::string>& command, const std::vector<std::string>& env) {
    std::vector<char*> argv, envp;
    for (const auto& a : command) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    Run run;
    const auto start = std::chrono::steady_clock::now();
    pid_t pid = 0;
    if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data()) == 0) {
        // A window without the first-paint hook (an older build) would never quit.
        int status = 0;
        while (waitpid(pid, &status, WNOHANG) == 0) {
            if (std::chrono::steady_clock::now() - start > std::chrono::seconds(30)) {
                kill(pid, SIGKILL);
                waitpid(pid, &status, 0);
                break;
            }
            usleep(1000);
        }
        run.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    posix_spawn_file_actions_destroy(&actions);
    return run;
}

struct Case {
    std::string name;
    std::vector<std::string> command;
    double target = 0;   ///< seconds; 0 = none
    std::string before;  ///< a file to delete before each run (the removal's output)
};

void measure(const Case& c, int runs, const std::vector<std::string>& env) {
    if (c.command.empty()) {
        std::printf("%-52s %8s   (not measured: --baseline-window to time it)\n", c.name.c_str(),
                    "-");
        return;
    }
    std::vector<double> times;
    int failed = 0, status = 0;
    for (int i = 0; i < runs; ++i) {
        if (!c.before.empty()) fs::remove(c.before);
        const Run run = runOnce(c.command, env);
        if (run.status != 0) {
            ++failed;
            status = run.status;
        }
        times.push_back(run.seconds);
    }
    std::sort(times.begin(), times.end());
    const double median = times[times.size() / 2];
    std::printf("%-52s %8.3f %8.3f", c.name.c_str(), median, times.front());
    if (c.target > 0)
        std::printf("   <= %.1f s: %s", c.target, median <= c.target ? "MET" : "NOT MET");
    if (failed) std::printf("   (%d of %d runs failed, exit %d)", failed, runs, status);
    std::printf("\n");
    std::fflush(stdout);
}

// withWindow: false for a baseline older than the first-paint hook (its window never quits).
std::vector<Case> casesFor(const std::string& dir, const std::string& label, const fs::path& work,
                           bool withWindow = true) {
    const std::string cli = (fs::path(dir) / "photomend-cli").string();
    const std::string app = (fs::path(dir) / "photomend").string();
    const std::string out = (work / (label + "-out.jpg")).string();
    std::vector<Case> cases{
        {label + ": photomend-cli --help", {cli, "--help"}, 0.1, ""},
        {label + ": photomend PHOTO, window shown (offscreen)",
         {app, "--new-window", (work / "photo.jpg").string()},
         0.5,
         ""},
        {label + ": photomend-cli remove, 12 MP, built-in",
         {cli, "remove", (work / "photo.jpg").string(), "--mask", (work / "mask.png").string(),
          "--output", out, "--engine", "builtin"},
         1.5,
         out},
    };
    if (!withWindow) cases[1].command.clear();
    return cases;
}

}  // namespace

int main(int argc, char** argv) {
    std::string bin = PM_APP_DIR, baseline;
    bool baselineWindow = false;
    std::string photo = std::string(PM_TESTDATA_DIR) + "/photos/kodim03.png";
    int runs = 7;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--bin")
            bin = argv[i + 1];
        else if (a == "--baseline")
            baseline = argv[i + 1];
        else if (a == "--runs")
            runs = std::max(1, std::atoi(argv[i + 1]));
        else if (a == "--photo")
            photo = argv[i + 1];
        else if (a == "--baseline-window")
            baselineWindow = std::atoi(argv[i + 1]) != 0;
    }
    const cv::Mat source = cv::imread(photo, cv::IMREAD_COLOR);
    if (source.empty()) {
        std::fprintf(stderr, "startup_bench: cannot read %s\n", photo.c_str());
        return 1;
    }
    char pattern[] = "/tmp/pm-startup-XXXXXX";
    const fs::path work = mkdtemp(pattern);
    cv::Mat image;
    cv::resize(source, image, cv::Size(4000, 3000), 0, 0, cv::INTER_CUBIC);
    cv::imwrite((work / "photo.jpg").string(), image, {cv::IMWRITE_JPEG_QUALITY, 92});
    cv::Mat mask(image.size(), CV_8UC1, cv::Scalar(0));
    cv::ellipse(mask, cv::Point(2100, 1400), cv::Size(300, 210), 20, 0, 360, cv::Scalar(255),
                cv::FILLED);
    cv::ellipse(mask, cv::Point(1900, 1560), cv::Size(160, 220), -30, 0, 360, cv::Scalar(255),
                cv::FILLED);
    cv::imwrite((work / "mask.png").string(), mask);

    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
        const std::string var = *e;
        const bool replaced =
            var.rfind("QT_QPA_PLATFORM=", 0) == 0 || var.rfind("XDG_CONFIG_HOME=", 0) == 0 ||
            var.rfind("XDG_DATA_HOME=", 0) == 0 || var.rfind("XDG_CACHE_HOME=", 0) == 0;
        if (!replaced) env.push_back(var);
    }
    for (const char* sub : {"config", "data", "cache"}) fs::create_directories(work / sub);
    env.push_back("QT_QPA_PLATFORM=offscreen");
    env.push_back("PHOTOMEND_QUIT_AFTER_FIRST_PAINT=1");
    env.push_back("XDG_CONFIG_HOME=" + (work / "config").string());
    env.push_back("XDG_DATA_HOME=" + (work / "data").string());
    env.push_back("XDG_CACHE_HOME=" + (work / "cache").string());

    std::printf("startup_bench: median and fastest of %d runs each, seconds, whole processes\n",
                runs);
    std::printf("%-52s %8s %8s\n", "", "median", "min");
    measure({"reference: /bin/true", {"/bin/true"}, 0, ""}, runs, env);
    std::vector<Case> cases = casesFor(bin, "this build", work);
    if (!baseline.empty()) {
        const std::vector<Case> before = casesFor(baseline, "baseline", work, baselineWindow);
        // Interleaved per kind, so that a busy machine weighs on both alike.
        std::vector<Case> both;
        for (size_t i = 0; i < cases.size(); ++i) {
            both.push_back(before[i]);
            both.push_back(cases[i]);
        }
        cases = both;
    }
    for (const Case& c : cases) measure(c, runs, env);
    fs::remove_all(work);
    return 0;
}
