#include "fold/view.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace pollscope::fold {

// --- 1. Task rows --------------------------------------------------------------

TaskTimes task_times_at(const TaskView& task, std::uint64_t now) noexcept {
  TaskTimes times{task.busy_ns, task.scheduled_ns, task.idle_ns};
  std::uint64_t open = now > task.last_change_t ? now - task.last_change_t : 0;
  if (task.state == TaskState::Queued) times.scheduled_ns += open;
  if (task.state == TaskState::Pending) times.idle_ns += open;
  return times;
}

std::string_view to_string(TaskColumn c) noexcept {
  switch (c) {
  case TaskColumn::Id: return "id";
  case TaskColumn::Name: return "name";
  case TaskColumn::State: return "state";
  case TaskColumn::Polls: return "polls";
  case TaskColumn::Wakes: return "wakes";
  case TaskColumn::Busy: return "busy";
  case TaskColumn::Idle: return "idle";
  case TaskColumn::Scheduled: return "scheduled";
  }
  return "unknown";
}

namespace {

char lower(char c) noexcept {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

// `needle` is already lower case.
bool contains_folded(std::string_view hay, std::string_view needle) noexcept {
  if (needle.size() > hay.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    std::size_t j = 0;
    while (j < needle.size() && lower(hay[i + j]) == needle[j]) ++j;
    if (j == needle.size()) return true;
  }
  return false;
}

bool less_folded(std::string_view a, std::string_view b) noexcept {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [](char x, char y) { return lower(x) < lower(y); });
}

bool matches_text(const TaskView& t, const StringTable& strings, std::string_view needle) {
  char digits[16];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, t.id);
  if (ec == std::errc{} &&
      contains_folded(std::string_view(digits, static_cast<std::size_t>(end - digits)), needle))
    return true;
  return contains_folded(strings.get(t.name), needle) ||
         contains_folded(strings.get(t.location), needle);
}

std::uint64_t numeric_key(const TaskView& t, TaskColumn c, std::uint64_t now) noexcept {
  switch (c) {
  case TaskColumn::Id: return t.id;
  case TaskColumn::State: return static_cast<std::uint64_t>(t.state);
  case TaskColumn::Polls: return t.polls;
  case TaskColumn::Wakes: return t.wakes;
  case TaskColumn::Busy: return t.busy_ns;
  case TaskColumn::Idle: return task_times_at(t, now).idle_ns;
  case TaskColumn::Scheduled: return task_times_at(t, now).scheduled_ns;
  case TaskColumn::Name: break;
  }
  return 0;
}

} // namespace

std::vector<std::uint32_t> task_rows(const FoldState& state, const StringTable& strings,
                                     const TaskQuery& query) {
  const auto items = state.tasks.items();
  std::string needle(query.text);
  std::transform(needle.begin(), needle.end(), needle.begin(), lower);

  std::vector<std::uint32_t> rows;
  rows.reserve(items.size());
  for (std::uint32_t i = 0; i < items.size(); ++i) {
    const TaskView& t = items[i];
    if (!query.states.contains(t.state)) continue;
    if (!needle.empty() && !matches_text(t, strings, needle)) continue;
    rows.push_back(i);
  }

  // Keys are computed once per row, not per comparison: a name lookup takes
  // the string table's lock.
  const bool desc = query.descending;
  if (query.sort == TaskColumn::Name) {
    std::vector<std::pair<std::string_view, std::uint32_t>> keyed;
    keyed.reserve(rows.size());
    for (auto i : rows) keyed.emplace_back(strings.get(items[i].name), i);
    std::stable_sort(keyed.begin(), keyed.end(), [desc](const auto& a, const auto& b) {
      return desc ? less_folded(b.first, a.first) : less_folded(a.first, b.first);
    });
    for (std::size_t k = 0; k < keyed.size(); ++k) rows[k] = keyed[k].second;
    return rows;
  }
  const std::uint64_t now = query.now != 0 ? query.now : state.log.last_t;
  std::vector<std::pair<std::uint64_t, std::uint32_t>> keyed;
  keyed.reserve(rows.size());
  for (auto i : rows) keyed.emplace_back(numeric_key(items[i], query.sort, now), i);
  std::stable_sort(keyed.begin(), keyed.end(), [desc](const auto& a, const auto& b) {
    return desc ? b.first < a.first : a.first < b.first;
  });
  for (std::size_t k = 0; k < keyed.size(); ++k) rows[k] = keyed[k].second;
  return rows;
}

// --- 2. Queue rows -------------------------------------------------------------

std::vector<QueueRow> queue_rows(const QueueView& queue) {
  std::vector<QueueRow> rows;
  rows.reserve(queue.entries.size());
  std::vector<std::uint32_t> seen; // task id -> entries met so far
  std::uint32_t position = 0;
  for (const QueueEntry& e : queue.entries) {
    if (e.task >= seen.size()) seen.resize(std::size_t{e.task} + 1 + seen.size() / 2, 0);
    std::uint32_t occurrence = ++seen[e.task];
    rows.push_back(QueueRow{position++, e, occurrence > 1, occurrence});
  }
  return rows;
}

double queue_fill(const QueueView& queue) noexcept {
  if (queue.capacity == 0) return 0;
  double f = static_cast<double>(queue.entries.size()) / static_cast<double>(queue.capacity);
  return f > 1 ? 1 : f;
}

// --- 3. Waker rows -------------------------------------------------------------

std::vector<std::uint32_t> waker_rows(const FoldState& state, bool show_dropped) {
  const auto items = state.wakers.items();
  std::vector<std::uint32_t> rows;
  rows.reserve(items.size());
  for (std::uint32_t i = 0; i < items.size(); ++i)
    if (show_dropped || items[i].alive) rows.push_back(i);
  return rows;
}

HolderText holder_text(const FoldState& state, const WakerView& w) {
  if (!w.alive) return {"dropped", help(Concept::Drop)};
  switch (w.holder) {
  case WakerHolder::Timer:
    return {"timer " + std::to_string(w.holder_timer),
            "A TimerFuture stored this clone in its shared state; the timer thread wakes it at "
            "the deadline."};
  case WakerHolder::ExecutorContext: {
    const TaskView* t = state.tasks.find(w.task);
    if (t != nullptr && t->polling)
      return {"executor (poll)",
              "The task's own waker, lent to the Context of the poll running now (the book's "
              "waker_ref: borrowed, no reference counted). Clones made during the poll are new "
              "wakers."};
    return {"its task",
            "The task's own waker: the task is its own waker (ArcWake), so this lives as long as "
            "the task. Between polls nobody holds it; the executor lends it to each poll's "
            "Context."};
  }
  case WakerHolder::User: return {"user", "Held outside the runtime (a manual or counting waker)."};
  case WakerHolder::None: break;
  }
  return {"-", "Nobody keeps it right now: a clone in flight, or one being woken."};
}

ForgottenNote forgotten_note(std::uint64_t forgotten, std::string_view what) {
  if (forgotten == 0) return {};
  const std::string n = std::to_string(forgotten);
  std::string w(what);
  return {"+" + n + " older finished " + w + " not listed",
          "To stay fast with millions of objects, the view keeps the " +
              std::to_string(kKeepFinished) + " to " + std::to_string(2 * kKeepFinished) +
              " most recent finished " + w + " and forgets older ones. The " + n +
              " forgotten here are still counted in every total; Reset starts afresh."};
}

// --- 4. Timer rows -------------------------------------------------------------

std::vector<TimerRow> timer_rows(const FoldState& state, std::uint64_t now, bool show_exited) {
  const auto items = state.timers.items();
  std::vector<TimerRow> rows;
  rows.reserve(items.size());
  for (std::uint32_t i = 0; i < items.size(); ++i) {
    const TimerView& t = items[i];
    if (!show_exited && (t.state == TimerState::Exited || t.state == TimerState::Failed)) continue;
    TimerRow row{i, 1.0, 0};
    if (!t.fired && t.state != TimerState::Failed) {
      row.remaining_ns = t.deadline_ns > now ? t.deadline_ns - now : 0;
      if (t.duration_ns > 0) {
        double left = static_cast<double>(row.remaining_ns) / static_cast<double>(t.duration_ns);
        row.progress = left >= 1 ? 0 : 1 - left;
      }
    }
    rows.push_back(row);
  }
  return rows;
}

// --- 5. Event log filter -------------------------------------------------------

std::vector<std::uint32_t> filter_events(std::span<const Event> events, const EventFilter& filter) {
  FilteredEvents f;
  f.update(events, filter);
  auto rows = f.rows();
  return {rows.begin(), rows.end()};
}

void FilteredEvents::restart(const EventFilter& filter) {
  filter_ = filter;
  scanned_ = 0;
  rows_.clear();
  timer_task_.clear();
  waker_task_.clear();
}

namespace {
void remember(std::vector<TaskId>& map, std::uint32_t id, TaskId task) {
  if (id == 0) return;
  if (id >= map.size()) map.resize(std::size_t{id} + 1 + map.size() / 2, 0);
  map[id] = task;
}
TaskId recall(const std::vector<TaskId>& map, std::uint32_t id) {
  return id < map.size() ? map[id] : 0;
}
} // namespace

TaskId FilteredEvents::owner(const Event& e) {
  switch (e.kind) {
  case EventKind::RuntimeStarted:
  case EventKind::RuntimeReset:
  case EventKind::RuntimeAbandoned:
    timer_task_.clear();
    waker_task_.clear();
    break;
  case EventKind::TimerCreated: remember(timer_task_, e.timer, e.task); break;
  case EventKind::WakerCreated:
  case EventKind::WakerCloned: remember(waker_task_, e.waker, e.task); break;
  default: break;
  }
  if (e.task != 0) return e.task;
  if (e.timer != 0) return recall(timer_task_, e.timer);
  return recall(waker_task_, e.waker);
}

void FilteredEvents::update(std::span<const Event> events, const EventFilter& filter) {
  if (!(filter == filter_) || events.size() < scanned_) restart(filter);
  const bool by_task = filter_.task != 0;
  for (std::size_t i = scanned_; i < events.size(); ++i) {
    const Event& e = events[i];
    // The owner maps must see every event, passing or not.
    const bool task_ok = !by_task || owner(e) == filter_.task;
    if (task_ok && filter_.kinds.contains(e.kind)) rows_.push_back(static_cast<std::uint32_t>(i));
  }
  scanned_ = events.size();
}

} // namespace pollscope::fold
