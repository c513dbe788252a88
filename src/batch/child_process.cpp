#include "child_process.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

#include "gearnn/common/errors.h"

namespace gearnn {

ChildResult run_child(const std::vector<std::string>& argv) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) fail(argv[0], "cannot create a pipe");
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) fail(argv[0], "cannot fork");
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(126);
    dup2(fds[1], 2);
    const int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, 1);
    execv(args[0], args.data());
    const char msg[] = "gearnn: error: cannot start the gearnn binary\n";
    ssize_t ignored = write(2, msg, sizeof msg - 1);
    (void)ignored;
    _exit(127);
  }
  close(fds[1]);
  ChildResult r;
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0) r.stderr_text.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  return r;
}

std::string child_error(const ChildResult& r) {
  if (r.signal) return "gearnn run was killed by signal " + std::to_string(r.signal);
  std::string last;
  size_t start = 0;
  while (start < r.stderr_text.size()) {
    size_t end = r.stderr_text.find('\n', start);
    if (end == std::string::npos) end = r.stderr_text.size();
    const std::string line = r.stderr_text.substr(start, end - start);
    if (line.find_first_not_of(" \r\t") != std::string::npos) last = line;
    start = end + 1;
  }
  const std::string prefix = "gearnn: error: ";
  if (last.rfind(prefix, 0) == 0) last = last.substr(prefix.size());
  if (last.empty()) last = "gearnn run exited with code " + std::to_string(r.exit_code);
  return last;
}

}  // namespace gearnn
