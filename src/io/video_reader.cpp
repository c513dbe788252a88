#include "gearnn/io/video_reader.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <utility>
#include <opencv2/imgproc.hpp>

#include "gearnn/common/errors.h"
#include "gearnn/quality/bitstream_qp.h"
#include "gearnn/quality/qp_normalizer.h"
#include "gearnn/io/playlist.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libavutil/video_enc_params.h>
#include <libswscale/swscale.h>
}

namespace gearnn {

namespace {

// True when data[0] is an 8-bit luma plane we can measure directly.
bool has_8bit_luma_plane(AVPixelFormat fmt) {
  const AVPixFmtDescriptor* d = av_pix_fmt_desc_get(fmt);
  if (!d) return false;
  if (d->flags & (AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL | AV_PIX_FMT_FLAG_BAYER)) return false;
  return d->comp[0].plane == 0 && d->comp[0].depth == 8 && d->comp[0].step == 1;
}

// YUV frames are studio range unless flagged full range (or a yuvj format).
bool is_limited_range(const AVFrame* frame, AVPixelFormat fmt) {
  if (frame->color_range == AVCOL_RANGE_JPEG) return false;
  if (fmt == AV_PIX_FMT_YUVJ420P || fmt == AV_PIX_FMT_YUVJ422P || fmt == AV_PIX_FMT_YUVJ444P ||
      fmt == AV_PIX_FMT_GRAY8)
    return false;
  return true;
}

// Clockwise degrees a player turns the stream's frames by (0, 90, 180, 270),
// from the display matrix phones and `-metadata:s:v rotate=N` store.
int display_rotation(const AVStream* st) {
  size_t size = 0;
  const uint8_t* matrix = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, &size);
  if (!matrix || size < 9 * sizeof(int32_t)) return 0;
  const double counter_clockwise = av_display_rotation_get(reinterpret_cast<const int32_t*>(matrix));
  if (std::isnan(counter_clockwise)) return 0;
  const int degrees = static_cast<int>(std::lround(-counter_clockwise / 90.0)) * 90;
  return ((degrees % 360) + 360) % 360;
}

bool is_url(const std::string& url) { return url.find("://") != std::string::npos && url.rfind("file://", 0) != 0; }

bool is_live_input(const std::string& url, const AVFormatContext* fmt) {
  if (url.rfind("pipe:", 0) == 0 || is_url(url)) return true;
  return fmt->pb && !(fmt->pb->seekable & AVIO_SEEKABLE_NORMAL);
}

// FFmpeg waits for ever on a network input that sends nothing (UDP, a stalled
// server). rw_timeout bounds each read of the protocols avio opens (tcp, srt,
// http...), but udp replaces it with its own `timeout`, and rtsp opens its own
// sockets with `timeout` (all in microseconds; rtmp's `timeout` means listening).
void add_network_timeout(const std::string& url, double seconds, AVDictionary** options) {
  const std::string us = std::to_string(static_cast<int64_t>(seconds * 1e6));
  if (!av_dict_get(*options, "rw_timeout", nullptr, 0)) av_dict_set(options, "rw_timeout", us.c_str(), 0);
  const bool own_timeout = url.rfind("udp", 0) == 0 || url.rfind("rtsp", 0) == 0;
  if (own_timeout && !av_dict_get(*options, "timeout", nullptr, 0)) av_dict_set(options, "timeout", us.c_str(), 0);
}

void init_network_once() {
  static const bool done = [] {
    avformat_network_init();
    return true;
  }();
  (void)done;
}

}  // namespace

struct VideoReader::Impl {
  std::string path;  // as the user gave it (named in errors)
  std::string url;   // as libavformat opens it ("-" is standard input)
  ReaderOptions opt;
  VideoInfo info;
  AVFormatContext* fmt = nullptr;
  AVCodecContext* dec = nullptr;
  SwsContext* sws = nullptr;
  AVPacket* pkt = nullptr;
  AVFrame* frame = nullptr;
  int stream = -1;
  AVRational time_base{0, 1};
  int64_t next_index = 0;
  double last_pts_time = -1;
  bool flushing = false, finished = false;
  bool peeked = false;    // `frame` holds the first frame, decoded on opening to learn its size
  std::string end_error;  // the read error that ended a live input
  QpNormalizer qp_levels;

  static int interrupt(void* self) {
    const auto* d = static_cast<const Impl*>(self);
    return d->stopped() ? 1 : 0;
  }
  std::chrono::steady_clock::time_point opened = std::chrono::steady_clock::now();
  bool stopped() const {
    if (opt.stop && opt.stop->load()) return true;
    return opt.max_seconds > 0 && seconds_open() > opt.max_seconds;
  }

  ~Impl() {
    sws_freeContext(sws);
    av_frame_free(&frame);
    av_packet_free(&pkt);
    avcodec_free_context(&dec);
    avformat_close_input(&fmt);
  }

  // Opens the container (connects, for a network input) with the input options.
  void open_input() {
    const bool network = is_url(url);
    if (network) init_network_once();
    AVDictionary* options = nullptr;
    for (const auto& [key, value] : opt.input_options) av_dict_set(&options, key.c_str(), value.c_str(), 0);
    if (network) add_network_timeout(url, opt.network_timeout, &options);
    fmt = avformat_alloc_context();
    if (!fmt) fail(path, "out of memory");
    fmt->interrupt_callback = {&Impl::interrupt, this};
    int rc = avformat_open_input(&fmt, url.c_str(), nullptr, &options);  // frees fmt on failure
    // What is left in `options` is what nothing took (our timeouts may go unused).
    std::string unused;
    for (const AVDictionaryEntry* e = nullptr; (e = av_dict_get(options, "", e, AV_DICT_IGNORE_SUFFIX));)
      if (opt.input_options.count(e->key) && unused.empty()) unused = e->key;
    av_dict_free(&options);
    if (rc < 0) {
      if (stopped()) fail(path, "stopped before the input opened");
      if (!network) fail(path, "cannot open as video (" + av_error_text(rc) + ")");
      if (seconds_open() >= opt.network_timeout) {
        char waited[32];
        std::snprintf(waited, sizeof waited, "%g", opt.network_timeout);
        fail(path, "nothing received for " + std::string(waited) + " s (" + av_error_text(rc) + ")");
      }
      fail(path, "cannot open stream (" + av_error_text(rc) + ")");
    }
    if (!unused.empty()) fail("--input-option " + unused, "not an option " + path + " takes");
    rc = avformat_find_stream_info(fmt, nullptr);
    if (rc < 0) fail(path, "cannot read stream info (" + av_error_text(rc) + ")");
  }

  double seconds_open() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - opened).count();
  }

  void open() {
    url = path == "-" ? "pipe:0" : path;
    open_input();
    const AVCodec* codec = nullptr;
    stream = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    if (stream < 0 || !codec) fail(path, "not a video file (no decodable video stream)");
    AVStream* st = fmt->streams[stream];
    // Other streams (audio, the other variants of an HLS master playlist) are
    // not read at all.
    for (unsigned i = 0; i < fmt->nb_streams; ++i)
      if (static_cast<int>(i) != stream) fmt->streams[i]->discard = AVDISCARD_ALL;
    dec = avcodec_alloc_context3(codec);
    avcodec_parameters_to_context(dec, st->codecpar);
    dec->thread_count = std::max(1, opt.decode_threads);
    dec->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
    dec->export_side_data |= AV_CODEC_EXPORT_DATA_VIDEO_ENC_PARAMS;  // per-block QP
    int rc = avcodec_open2(dec, codec, nullptr);
    if (rc < 0) fail(path, "cannot open decoder " + std::string(codec->name) + " (" + av_error_text(rc) + ")");
    time_base = st->time_base;
    info.rotation = opt.apply_rotation ? display_rotation(st) : 0;
    const bool turned = info.rotation % 180 != 0;
    auto consider = [&](int coded_width, int coded_height) {  // keeps the largest, display orientation
      const int w = turned ? coded_height : coded_width, h = turned ? coded_width : coded_height;
      if (static_cast<int64_t>(w) * h > static_cast<int64_t>(info.max_width) * info.max_height) {
        info.max_width = w;
        info.max_height = h;
      }
    };
    if (dec->width > 0 && dec->height > 0) consider(dec->width, dec->height);  // the header's
    info.width = info.max_width;
    info.height = info.max_height;
    for (unsigned i = 0; i < fmt->nb_streams; ++i) {
      const AVCodecParameters* par = fmt->streams[i]->codecpar;
      if (par->codec_type == AVMEDIA_TYPE_VIDEO && par->width > 0 && par->height > 0) consider(par->width, par->height);
    }
    for (const auto& variant : hls_variant_sizes(path)) consider(variant.width, variant.height);
    info.live = is_live_input(url, fmt);
    info.codec = codec->name;
    AVRational r = st->avg_frame_rate.num ? st->avg_frame_rate : st->r_frame_rate;
    info.fps = r.num && r.den ? av_q2d(r) : 0;
    info.frame_count = st->nb_frames > 0 ? st->nb_frames : -1;
    if (st->duration != AV_NOPTS_VALUE && st->duration > 0)
      info.duration = st->duration * av_q2d(st->time_base);
    else if (fmt->duration != AV_NOPTS_VALUE && fmt->duration > 0)
      info.duration = fmt->duration / static_cast<double>(AV_TIME_BASE);
    pkt = av_packet_alloc();
    frame = av_frame_alloc();
    if (info.width <= 0 || info.height <= 0) size_from_first_frame(consider);
  }

  // The stream header has no frame size when the probe read no decodable
  // frame (a stream joined long before its next key frame): decode the first
  // frame now, keep it for read(), and take its size, so the sizes the run's
  // outputs are made at are known before the first read.
  template <typename Consider>
  void size_from_first_frame(Consider consider) {
    if (!decode_next()) {
      if (stopped()) fail(path, "stopped before the first frame, and the input declares no frame size");
      fail(path, "no decodable video frames");
    }
    peeked = true;
    consider(frame->width, frame->height);
    const bool turned = info.rotation % 180 != 0;
    info.width = turned ? frame->height : frame->width;
    info.height = turned ? frame->width : frame->height;
  }

  // Pulls one decoded frame into `frame`; false at the end of the stream.
  bool decode_next() {
    while (true) {
      int rc = avcodec_receive_frame(dec, frame);
      if (rc == 0) return true;
      if (rc == AVERROR_EOF) return false;
      if (rc != AVERROR(EAGAIN)) fail(path, "corrupt video data (" + av_error_text(rc) + ")");
      if (flushing) return false;
      rc = av_read_frame(fmt, pkt);
      if (rc < 0 && rc != AVERROR_EOF && info.live && next_index > 0 && !stopped()) {
        // Once frames have come, a live input ends this way too: UDP only by
        // silence (the read timeout), SRT by a broken connection.
        end_error = av_error_text(rc);
        rc = AVERROR_EOF;
      }
      if (rc == AVERROR_EOF || (rc < 0 && stopped())) {
        flushing = true;
        avcodec_send_packet(dec, nullptr);
        continue;
      }
      if (rc < 0) fail(path, "read error, file truncated or corrupt (" + av_error_text(rc) + ")");
      if (pkt->stream_index == stream) {
        rc = avcodec_send_packet(dec, pkt);
        // Until the first frame, packets the decoder cannot take yet (a stream
        // joined before its parameter sets) are skipped, as a player joining does.
        const bool joining = next_index == 0 && !peeked && rc == AVERROR_INVALIDDATA;
        if (rc < 0 && rc != AVERROR(EAGAIN) && !joining)
          fail(path, "corrupt video data near frame " + std::to_string(next_index) + " (" + av_error_text(rc) + ")");
      }
      av_packet_unref(pkt);
    }
  }

  // A container that declared more frames or time than it delivered was cut short.
  void check_complete() const {
    if (next_index == 0 && !stopped()) fail(path, "no decodable video frames");
    if (info.live || stopped()) return;
    if (info.frame_count > 0 && next_index < info.frame_count)
      fail(path, "truncated video: decoded " + std::to_string(next_index) + " of " +
                     std::to_string(info.frame_count) + " frames");
    if (info.duration > 0 && info.fps > 0 && next_index > 0) {
      const double covered = last_pts_time + 1.0 / info.fps;
      const double start = fmt->start_time != AV_NOPTS_VALUE ? fmt->start_time / double(AV_TIME_BASE) : 0;
      if (covered - start < info.duration - 2.5 / info.fps)
        fail(path, "truncated video: frames cover " + std::to_string(covered - start) + " s of a declared " +
                       std::to_string(info.duration) + " s");
    }
  }

  void convert(DecodedFrame& out) {
    const int w = frame->width, h = frame->height;
    sws = sws_getCachedContext(sws, w, h, static_cast<AVPixelFormat>(frame->format), w, h, AV_PIX_FMT_RGB24,
                               SWS_BILINEAR, nullptr, nullptr, nullptr);
    if (!sws) fail(path, "unsupported pixel format");
    // libswscale's SIMD paths write whole blocks of pixels: with a width that
    // is not a multiple of 16 (426x240 renditions) they write a few bytes past
    // each row, past the end of the last one. Such frames go through a buffer
    // with room to spare and are then copied out.
    const bool padded = w % 16 != 0;
    cv::Mat& coded = padded ? padded_buffer : info.rotation ? unrotated : out.rgb;
    if (padded)
      coded.create(h + 1, (w + 15) / 16 * 16, CV_8UC3);
    else
      coded.create(h, w, CV_8UC3);
    uint8_t* dst[4] = {coded.data, nullptr, nullptr, nullptr};
    int dst_stride[4] = {static_cast<int>(coded.step[0]), 0, 0, 0};
    sws_scale(sws, frame->data, frame->linesize, 0, h, dst, dst_stride);
    if (padded) coded(cv::Rect(0, 0, w, h)).copyTo(info.rotation ? unrotated : out.rgb);
    const cv::Mat& src = info.rotation ? unrotated : out.rgb;
    if (info.rotation == 90) cv::rotate(src, out.rgb, cv::ROTATE_90_CLOCKWISE);
    if (info.rotation == 180) cv::rotate(src, out.rgb, cv::ROTATE_180);
    if (info.rotation == 270) cv::rotate(src, out.rgb, cv::ROTATE_90_COUNTERCLOCKWISE);
  }
  cv::Mat unrotated;       // conversion buffer of rotated streams
  cv::Mat padded_buffer;   // conversion buffer of widths libswscale overruns

  void measure(DecodedFrame& out) {
    auto t0 = std::chrono::steady_clock::now();
    FrameFeatures& f = out.features;
    f = FrameFeatures{};
    f.qp_raw = frame_qp(frame);
    f.bytes = frame->pkt_size > 0 ? frame->pkt_size : 0;
    f.bpp = 8.0 * static_cast<double>(f.bytes) / (static_cast<double>(frame->width) * frame->height);
    f.type = av_get_picture_type_char(frame->pict_type);
    if (f.qp_raw) f.qp = qp_levels.normalize(f.type, *f.qp_raw);
    f.width = frame->width;
    f.height = frame->height;
    const int display_height = info.rotation % 180 ? frame->width : frame->height;
    const int output_height = opt.output_height > 0 ? opt.output_height : info.max_height;
    f.scale = static_cast<double>(display_height) / output_height;
    const auto fmt = static_cast<AVPixelFormat>(frame->format);
    if (has_8bit_luma_plane(fmt)) {
      measure_pixel_features(frame->data[0], frame->width, frame->height, frame->linesize[0], f,
                             is_limited_range(frame, fmt));
    } else {
      cv::Mat gray;
      if (out.rgb.empty()) convert(out);
      cv::cvtColor(out.rgb, gray, cv::COLOR_RGB2GRAY);
      measure_pixel_features(gray.data, gray.cols, gray.rows, static_cast<int>(gray.step[0]), f);
    }
    out.estimate_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  }
};

VideoReader::VideoReader(const std::string& path, ReaderOptions options) : impl_(new Impl) {
  impl_->path = path;
  impl_->opt = options;
  impl_->open();
}

VideoReader::~VideoReader() = default;

const VideoInfo& VideoReader::info() const { return impl_->info; }

const std::string& VideoReader::end_error() const { return impl_->end_error; }

bool VideoReader::read(DecodedFrame& out) {
  Impl& d = *impl_;
  if (d.finished) return false;
  if (d.stopped() || !(std::exchange(d.peeked, false) || d.decode_next())) {
    d.finished = true;
    d.check_complete();
    return false;
  }
  out.index = d.next_index++;
  const int64_t ts = d.frame->best_effort_timestamp;
  out.pts_time = ts != AV_NOPTS_VALUE ? ts * av_q2d(d.time_base)
                                      : (d.info.fps > 0 ? out.index / d.info.fps : static_cast<double>(out.index));
  d.last_pts_time = out.pts_time;
  out.rgb.release();
  if (d.opt.convert_rgb) d.convert(out);
  if (d.opt.measure) d.measure(out);
  av_frame_unref(d.frame);
  return true;
}

}  // namespace gearnn
