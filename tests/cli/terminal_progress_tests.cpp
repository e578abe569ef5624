// The command line's progress line: drawn in place on a terminal, cleared
// at the end, and never written anywhere else.
#include "cli/replay.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <string>

namespace pollscope {
namespace {

std::string contents(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string out;
  for (int c; (c = std::fgetc(f)) != EOF;) out.push_back(static_cast<char>(c));
  return out;
}

} // namespace

TEST_CASE("the progress line is redrawn in place as the percentage changes and erased at the end") {
  std::FILE* f = std::tmpfile();
  REQUIRE(f != nullptr);
  {
    TerminalProgress line("opening run.pscope", f, /*enabled=*/true);
    const ProgressFn progress = line.callback();
    CHECK(progress(0, 1000));
    CHECK(progress(1, 1000)); // still 0 %: not redrawn
    CHECK(progress(500, 1000));
    CHECK(progress(1000, 1000));
    line.clear();
    const std::string out = contents(f);
    CHECK(out.find("\rpollscope: opening run.pscope   0%") == 0);
    CHECK(out.find("\rpollscope: opening run.pscope  50%") != std::string::npos);
    CHECK(out.find("\rpollscope: opening run.pscope 100%") != std::string::npos);
    CHECK(out.find('\n') == std::string::npos); // never a new line: one line, overwritten
    // Three drawings, then the line is blanked and the cursor back at its start.
    const std::string drawn = "\rpollscope: opening run.pscope 100%";
    CHECK(out.size() >= drawn.size() + 2);
    CHECK(out.ends_with("\r" + std::string(drawn.size() - 1, ' ') + "\r"));
    CHECK(out.size() == 3 * drawn.size() + drawn.size() + 1);
  }
  std::fclose(f);
}

TEST_CASE("the progress line writes nothing when its stream is not a terminal") {
  std::FILE* f = std::tmpfile();
  REQUIRE(f != nullptr);
  {
    TerminalProgress line("exporting t.json", f); // a file: isatty says no
    const ProgressFn progress = line.callback();
    CHECK(progress(0, 10));
    CHECK(progress(10, 10));
  }
  CHECK(contents(f).empty());
  std::fclose(f);
}

} // namespace pollscope
