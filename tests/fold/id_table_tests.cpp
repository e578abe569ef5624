// IdTable: flat id -> item storage that can forget finished items.
#include "fold/id_table.hpp"

#include <doctest/doctest.h>

#include <vector>

using pollscope::fold::IdTable;

namespace {
struct Item {
  std::uint32_t id = 0;
  bool finished = false;
  bool operator==(const Item&) const = default;
};
std::vector<std::uint32_t> ids(const IdTable<Item>& t) {
  std::vector<std::uint32_t> out;
  for (const Item& i : t.items()) out.push_back(i.id);
  return out;
}
} // namespace

TEST_CASE("items are created on first mention and found by id, in first-seen order") {
  IdTable<Item> t;
  CHECK(t.find(1) == nullptr);
  bool created = false;
  t.get_or_create(500, created);
  CHECK(created);
  t.get_or_create(3, created); // below the first id seen
  CHECK(created);
  t.get_or_create(500, created);
  CHECK_FALSE(created);
  CHECK(ids(t) == std::vector<std::uint32_t>{500, 3});
  REQUIRE(t.find(3) != nullptr);
  CHECK(t.find(3)->id == 3);
  CHECK(t.find(4) == nullptr);
  CHECK(t.find(0) == nullptr);
  CHECK(t.find(100'000) == nullptr);
}

TEST_CASE("forgetting keeps the most recent finished items and every unfinished one, in order") {
  IdTable<Item> t;
  for (std::uint32_t id = 1; id <= 10; ++id) t.get_or_create(id).finished = id != 4;
  // 9 finished; keep the 3 most recent of them (8, 9, 10).
  CHECK(t.forget_oldest(9, 3, [](const Item& i) { return i.finished; }) == 6);
  CHECK(ids(t) == std::vector<std::uint32_t>{4, 8, 9, 10});
  for (std::uint32_t id : {4u, 8u, 9u, 10u}) {
    REQUIRE(t.find(id) != nullptr);
    CHECK(t.find(id)->id == id);
  }
  for (std::uint32_t id : {1u, 2u, 3u, 5u, 6u, 7u}) CHECK(t.find(id) == nullptr);
  CHECK(t.forget_oldest(3, 3, [](const Item& i) { return i.finished; }) == 0);

  // A forgotten id mentioned again is an item again.
  bool created = false;
  t.get_or_create(2, created);
  CHECK(created);
  CHECK(ids(t) == std::vector<std::uint32_t>{4, 8, 9, 10, 2});
  CHECK(t.find(9)->id == 9);
}

TEST_CASE("a table that forgets as it goes finds every remembered id across a million ids") {
  IdTable<Item> t;
  t.get_or_create(1); // one long-lived item
  for (std::uint32_t id = 2; id <= 1'000'000; ++id) {
    t.get_or_create(id).finished = true;
    if (t.size() - 1 > 64)
      t.forget_oldest(t.size() - 1, 32, [](const Item& i) { return i.finished; });
  }
  CHECK(t.size() <= 65);
  CHECK(t.find(1) != nullptr);
  CHECK(t.find(1'000'000) != nullptr);
  CHECK(t.find(999'000) == nullptr);
  for (const Item& i : t.items()) CHECK(t.find(i.id) == &i);

  // With the long-lived item gone too, the table can drop its slot prefix.
  t.get_or_create(1).finished = true;
  t.forget_oldest(t.size(), 1, [](const Item& i) { return i.finished; });
  REQUIRE(t.size() == 1);
  CHECK(t.items()[0].id == 1'000'000);
  CHECK(t.find(1) == nullptr);
  t.get_or_create(7); // far below the remembered range
  CHECK(t.find(7) != nullptr);
  CHECK(t.find(1'000'000) != nullptr);
}

TEST_CASE("two tables are equal when their items are, whatever ids were asked about") {
  IdTable<Item> a, b;
  a.get_or_create(1);
  b.get_or_create(1);
  CHECK(a == b);
  CHECK(a.find(900) == nullptr); // a lookup changes nothing
  CHECK(a == b);
  b.get_or_create(2);
  CHECK_FALSE(a == b);
  b.clear();
  CHECK(b.empty());
  CHECK(b.find(1) == nullptr);
}
