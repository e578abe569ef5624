#include "gui/screenshot.hpp"

#include <glad/gl.h>
#include <stb/stb_image_write.h> // compiled into Debian's libstb: no implementation define

#include <cstdio>
#include <cstring>
#include <vector>

namespace pollscope::gui {

bool write_screenshot(const std::string& path, int width, int height) {
  if (width <= 0 || height <= 0) {
    std::fprintf(stderr, "pollscope: no framebuffer to take a screenshot of\n");
    return false;
  }
  const auto w = static_cast<std::size_t>(width), h = static_cast<std::size_t>(height);
  const std::size_t row = w * 3;
  std::vector<unsigned char> pixels(row * h);
  glReadBuffer(GL_BACK);
  glPixelStorei(GL_PACK_ALIGNMENT, 1); // rows of 3-byte pixels are not 4-aligned
  glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());

  // GL's origin is bottom-left, PNG's top-left.
  std::vector<unsigned char> line(row);
  for (std::size_t y = 0; y < h / 2; ++y) {
    unsigned char* a = pixels.data() + y * row;
    unsigned char* b = pixels.data() + (h - 1 - y) * row;
    std::memcpy(line.data(), a, row);
    std::memcpy(a, b, row);
    std::memcpy(b, line.data(), row);
  }
  if (!stbi_write_png(path.c_str(), width, height, 3, pixels.data(), static_cast<int>(row))) {
    std::fprintf(stderr, "pollscope: could not write the screenshot to %s\n", path.c_str());
    return false;
  }
  return true;
}

} // namespace pollscope::gui
