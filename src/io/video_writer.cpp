#include "gearnn/io/video_writer.h"

#include <cstdio>

#include "gearnn/common/errors.h"
#include "gearnn/common/json_io.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

namespace gearnn {

struct VideoWriter::Impl {
  std::string path;
  int width = 0, height = 0;
  AVFormatContext* fmt = nullptr;
  AVCodecContext* enc = nullptr;
  AVStream* st = nullptr;
  SwsContext* sws = nullptr;
  AVFrame* frame = nullptr;
  AVPacket* pkt = nullptr;
  EncoderSettings settings;
  int64_t next_pts = 0, written = 0;
  // A new encode starts its decode timestamps behind its first frame (B-frame
  // delay): its packets are shifted so timestamps keep increasing across the join.
  int64_t last_dts = AV_NOPTS_VALUE, dts_shift = 0;
  bool dts_shift_pending = false;
  bool finished = false;

  void open_encoder(int w, int h, const std::map<std::string, std::string>& options);
  void close_encoder();

  ~Impl() {
    if (fmt && !(fmt->oformat->flags & AVFMT_NOFILE)) avio_closep(&fmt->pb);
    avformat_free_context(fmt);
    avcodec_free_context(&enc);
    sws_freeContext(sws);
    av_frame_free(&frame);
    av_packet_free(&pkt);
    if (!finished) std::remove(temp_name(path).c_str());
  }

  void drain(bool flush) {
    int rc = avcodec_send_frame(enc, flush ? nullptr : frame);
    if (rc < 0) fail(path, "encoder rejected a frame (" + av_error_text(rc) + ")");
    while ((rc = avcodec_receive_packet(enc, pkt)) == 0) {
      if (dts_shift_pending) {
        dts_shift = last_dts != AV_NOPTS_VALUE && pkt->dts <= last_dts ? last_dts + 1 - pkt->dts : 0;
        dts_shift_pending = false;
      }
      pkt->pts += dts_shift;
      pkt->dts += dts_shift;
      last_dts = pkt->dts;
      av_packet_rescale_ts(pkt, enc->time_base, st->time_base);
      pkt->stream_index = st->index;
      rc = av_interleaved_write_frame(fmt, pkt);
      if (rc < 0) fail(path, "cannot write packet (" + av_error_text(rc) + ")");
    }
    if (rc != AVERROR(EAGAIN) && rc != AVERROR_EOF) fail(path, "encoding failed (" + av_error_text(rc) + ")");
  }
};

VideoWriter::VideoWriter(const std::string& path, int width, int height, const EncoderSettings& s)
    : impl_(new Impl) {
  Impl& d = *impl_;
  d.path = path;
  d.settings = s;
  // The container follows the final name, not the temporary one.
  const AVOutputFormat* ofmt = av_guess_format(nullptr, path.c_str(), nullptr);
  if (!ofmt) fail(path, "unknown output container (use .mkv, .mp4, .avi ...)");
  int rc = avformat_alloc_output_context2(&d.fmt, ofmt, nullptr, temp_name(path).c_str());
  if (rc < 0) fail(path, "cannot create output (" + av_error_text(rc) + ")");
  d.open_encoder(width, height, s.options);
  d.st = avformat_new_stream(d.fmt, nullptr);
  avcodec_parameters_from_context(d.st->codecpar, d.enc);
  d.st->time_base = d.enc->time_base;
  d.st->avg_frame_rate = d.enc->framerate;
  if (!(d.fmt->oformat->flags & AVFMT_NOFILE)) {
    rc = avio_open(&d.fmt->pb, temp_name(path).c_str(), AVIO_FLAG_WRITE);
    if (rc < 0) fail(path, "cannot write file (" + av_error_text(rc) + ")");
  }
  AVDictionary* muxer_options = nullptr;
  auto* muxer_class = const_cast<const AVClass**>(&ofmt->priv_class);
  if (s.fragmented && ofmt->priv_class && av_opt_find(muxer_class, "movflags", nullptr, 0, AV_OPT_SEARCH_FAKE_OBJ))
    av_dict_set(&muxer_options, "movflags", "frag_keyframe+empty_moov+default_base_moof", 0);
  rc = avformat_write_header(d.fmt, &muxer_options);
  av_dict_free(&muxer_options);
  if (rc < 0) fail(path, "cannot write header (" + av_error_text(rc) + ")");
  d.pkt = av_packet_alloc();
}

void VideoWriter::Impl::open_encoder(int w, int h, const std::map<std::string, std::string>& options) {
  const AVCodec* codec = avcodec_find_encoder_by_name(settings.codec.c_str());
  if (!codec) fail(path, "encoder " + settings.codec + " is not available");
  width = w;
  height = h;
  enc = avcodec_alloc_context3(codec);
  enc->width = width;
  enc->height = height;
  enc->pix_fmt = av_get_pix_fmt(settings.pix_fmt.c_str());
  if (enc->pix_fmt == AV_PIX_FMT_NONE) fail(path, "unknown pixel format " + settings.pix_fmt);
  const AVRational rate = av_d2q(settings.fps > 0 ? settings.fps : 10, 100000);
  enc->time_base = av_inv_q(rate);
  enc->framerate = rate;
  enc->thread_count = settings.threads;
  if (fmt->oformat->flags & AVFMT_GLOBALHEADER) enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  AVDictionary* opts = nullptr;
  for (const auto& [k, v] : options) av_dict_set(&opts, k.c_str(), v.c_str(), 0);
  const int rc = avcodec_open2(enc, codec, &opts);
  av_dict_free(&opts);
  if (rc < 0) fail(path, "cannot open encoder " + settings.codec + " (" + av_error_text(rc) + ")");
  frame = av_frame_alloc();
  frame->format = enc->pix_fmt;
  frame->width = width;
  frame->height = height;
  if (av_frame_get_buffer(frame, 0) < 0) fail(path, "out of memory");
  sws = sws_getContext(width, height, AV_PIX_FMT_RGB24, width, height, enc->pix_fmt, SWS_BILINEAR, nullptr, nullptr,
                       nullptr);
  if (!sws) fail(path, "cannot convert RGB to " + settings.pix_fmt);
}

void VideoWriter::Impl::close_encoder() {
  drain(true);
  avcodec_free_context(&enc);
  sws_freeContext(sws);
  sws = nullptr;
  av_frame_free(&frame);
}

void VideoWriter::next_rendition(int width, int height, const std::map<std::string, std::string>& options) {
  Impl& d = *impl_;
  // Only a container that carries the codec's parameter sets in-band (MPEG-TS)
  // can switch to a new encode of another size without a new header.
  if (d.fmt->oformat->flags & AVFMT_GLOBALHEADER)
    fail(d.path, "this container cannot change frame size mid-stream: write MPEG-TS (.ts)");
  d.close_encoder();
  d.open_encoder(width, height, options);
  d.dts_shift_pending = true;
}

VideoWriter::~VideoWriter() = default;

void VideoWriter::write(const cv::Mat& rgb) {
  Impl& d = *impl_;
  if (rgb.type() != CV_8UC3 || rgb.cols != d.width || rgb.rows != d.height)
    fail(d.path, "frame of the wrong size or type for this video");
  if (av_frame_make_writable(d.frame) < 0) fail(d.path, "out of memory");
  const uint8_t* src[4] = {rgb.data, nullptr, nullptr, nullptr};
  const int src_stride[4] = {static_cast<int>(rgb.step[0]), 0, 0, 0};
  sws_scale(d.sws, src, src_stride, 0, d.height, d.frame->data, d.frame->linesize);
  d.frame->pts = d.next_pts++;
  ++d.written;
  d.drain(false);
}

void VideoWriter::finish() {
  Impl& d = *impl_;
  if (d.finished) return;
  d.drain(true);
  int rc = av_write_trailer(d.fmt);
  if (rc < 0) fail(d.path, "cannot finish file (" + av_error_text(rc) + ")");
  if (!(d.fmt->oformat->flags & AVFMT_NOFILE)) avio_closep(&d.fmt->pb);
  commit_temp(d.path);
  d.finished = true;
}

int64_t VideoWriter::frames_written() const { return impl_->written; }

}  // namespace gearnn
