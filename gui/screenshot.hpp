// Writes the frame being drawn to a PNG: the real app's pixels, for the
// README and the end-to-end test (`--screenshot FILE --frames N`).
#pragma once

#include <string>

namespace pollscope::gui {

// Reads the back buffer of the current GL context (call after rendering and
// before the swap) and writes it as an RGB PNG. Returns false and prints why
// on failure.
bool write_screenshot(const std::string& path, int framebuffer_width, int framebuffer_height);

} // namespace pollscope::gui
