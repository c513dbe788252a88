#pragma once
// HLS playlists on disk (.m3u8): what they declare and which files they name.
// libavformat plays them; gearnn reads them only to size its outputs and to
// hash a playlist input by the media it names, not only by its text.
#include <string>
#include <vector>

namespace gearnn {

bool is_playlist_path(const std::string& path);  // by extension: .m3u8 / .m3u

struct VariantSize {
  int width = 0, height = 0;
};
// RESOLUTION= of each #EXT-X-STREAM-INF of a master playlist on disk; empty for
// media playlists, other inputs and unreadable files.
std::vector<VariantSize> hls_variant_sizes(const std::string& path);

// Every local file a playlist names (segments, init sections, the media
// playlists of a master playlist and what they name), in order, as paths
// resolved against the naming playlist's folder. URIs with a scheme (http://...)
// are returned as written. Throws Error naming the playlist if unreadable.
std::vector<std::string> playlist_files(const std::string& path);

// SHA-256 identity of an input: a file's content; for a playlist, its text and
// that of every file it names; for an image sequence pattern (%d), the files in
// its folder; empty for standard input and network URLs (no stable identity).
std::string input_hash(const std::string& input);

}  // namespace gearnn
