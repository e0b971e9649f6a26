// LruCache<K, V>: a bounded map that evicts the least recently used entry.
//
// Used for the event store's per-subject tail cache and the command side's
// aggregate cache, where memory must stay bounded whatever the number of
// aggregates in the log.
// Thread safety: none; callers hold their own lock.
// Errors: none; a capacity of 0 is treated as 1.
#pragma once

#include <cstddef>
#include <list>
#include <optional>
#include <unordered_map>
#include <utility>

namespace slotwise::common {

template <class K, class V>
class LruCache {
 public:
  explicit LruCache(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  // Returns a pointer to the value and marks it most recently used, or nullptr.
  V* find(const K& key) {
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second);
    return &it->second->second;
  }

  // Returns the value it displaced: the key's previous one, or the least
  // recently used entry evicted to stay within the capacity (callers that
  // account for their values' memory need it; others ignore it).
  std::optional<V> put(const K& key, V value) {
    auto it = index_.find(key);
    if (it != index_.end()) {
      std::optional<V> old(std::move(it->second->second));
      it->second->second = std::move(value);
      order_.splice(order_.begin(), order_, it->second);
      return old;
    }
    order_.emplace_front(key, std::move(value));
    index_.emplace(key, order_.begin());
    if (index_.size() > capacity_) return pop_oldest();
    return std::nullopt;
  }

  // Removes and returns the least recently used value; nullopt when empty.
  std::optional<V> pop_oldest() {
    if (order_.empty()) return std::nullopt;
    std::optional<V> out(std::move(order_.back().second));
    index_.erase(order_.back().first);
    order_.pop_back();
    return out;
  }

  void erase(const K& key) {
    auto it = index_.find(key);
    if (it == index_.end()) return;
    order_.erase(it->second);
    index_.erase(it);
  }

  [[nodiscard]] std::size_t size() const { return index_.size(); }
  [[nodiscard]] std::size_t capacity() const { return capacity_; }

 private:
  std::size_t capacity_;
  std::list<std::pair<K, V>> order_;
  std::unordered_map<K, typename std::list<std::pair<K, V>>::iterator> index_;
};

}  // namespace slotwise::common
