#include "async.hpp"

#include "runtime_context.hpp"

#include <cstdio>

namespace pollscope {

void print(std::string_view text) {
  RuntimeContext* rt = RuntimeContext::current();
  if (rt == nullptr || !rt->logging()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fputc('\n', stdout);
    return;
  }
  Event e;
  e.kind = EventKind::Output;
  e.task = RuntimeContext::current_task();
  e.a = rt->strings().intern(text);
  rt->emit(e);
}

} // namespace pollscope
