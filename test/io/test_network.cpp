// Network inputs with nothing behind them, on the loopback only: a refused
// connection, a UDP port nobody sends to, and an input option nothing takes.
// Each is one Error naming the URL (or the option) within a bounded time,
// never a hang. Streams that do arrive are tested end to end by
// test/cli/cli_live_net.sh.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>

#include "gearnn/io/video_reader.h"
#include "test_support.h"

using namespace gearnn;
using namespace gearnn::test;

namespace {

// A port of 127.0.0.1 nothing uses at the moment: the kernel's pick for port 0.
int free_port(int type) {
  const int fd = socket(AF_INET, type, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof a;
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&a), size) == 0 &&
                  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &size) == 0;
  close(fd);
  REQUIRE(ok);
  return ntohs(a.sin_port);
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

TEST_CASE("a refused TCP connection is one error naming the URL", "[video][network][errors]") {
  const std::string url = "tcp://127.0.0.1:" + std::to_string(free_port(SOCK_STREAM));
  const std::string e = error_of([&] { VideoReader r(url); });
  INFO(e);
  CHECK(e.find(url + ": cannot open stream") == 0);
  CHECK(e.find('\n') == std::string::npos);
}

TEST_CASE("a UDP input nobody sends to fails once the network timeout passes", "[video][network][errors]") {
  const std::string url = "udp://127.0.0.1:" + std::to_string(free_port(SOCK_DGRAM));
  ReaderOptions o;
  o.network_timeout = 1;
  const auto t0 = std::chrono::steady_clock::now();
  const std::string e = error_of([&] { VideoReader r(url, o); });
  const double waited = seconds_since(t0);
  INFO(e);
  CHECK(e.find(url + ": nothing received for 1 s") == 0);
  CHECK(waited >= 0.9);
  CHECK(waited < 10);
}

TEST_CASE("input options reach FFmpeg, and one nothing takes is an error naming it", "[video][network][errors]") {
  const std::string video = synth_clip() + "/video.mkv";
  ReaderOptions o;
  o.input_options = {{"probesize", "100000"}};  // a demuxer option, taken
  CHECK(error_of([&] { VideoReader r(video, o); }).empty());
  o.input_options = {{"no_such_option", "1"}};
  const std::string e = error_of([&] { VideoReader r(video, o); });
  INFO(e);
  CHECK(e.find("--input-option no_such_option: ") == 0);
  CHECK(e.find(video) != std::string::npos);
}
