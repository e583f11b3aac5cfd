// SharedRef<T>: a pointer to an immutable, reference-counted value that several span
// contexts share (trace state, baggage). Copying a null SharedRef costs a test and no
// atomic operation, so contexts that carry nothing pay nothing for the feature.
#pragma once

#include <atomic>
#include <cstdint>
#include <new>
#include <utility>

namespace zspan::detail {

// Base of a value that SharedRef can hold. The count lives in the value.
class RefCounted {
 public:
  RefCounted() = default;
  RefCounted(const RefCounted&) : refs_(0) {}
  RefCounted& operator=(const RefCounted&) = delete;

 protected:
  ~RefCounted() = default;

 private:
  template <class T>
  friend class SharedRef;
  mutable std::atomic<std::uint32_t> refs_{0};
};

template <class T>
class SharedRef {
 public:
  SharedRef() = default;
  SharedRef(std::nullptr_t) {}
  // Takes a value just made with `new`; returns a null ref if allocation failed.
  template <class... Args>
  static SharedRef make(Args&&... args) noexcept {
    try {
      return SharedRef(new T(std::forward<Args>(args)...));
    } catch (...) {
      return {};
    }
  }

  // Takes a value that its type's own factory just constructed, with a count of zero.
  static SharedRef adopt(T* fresh) noexcept { return SharedRef(fresh); }

  SharedRef(const SharedRef& other) noexcept : ptr_(other.ptr_) { retain(); }
  SharedRef(SharedRef&& other) noexcept : ptr_(std::exchange(other.ptr_, nullptr)) {}
  SharedRef& operator=(SharedRef other) noexcept {
    std::swap(ptr_, other.ptr_);
    return *this;
  }
  ~SharedRef() { release(); }

  T* get() const noexcept { return ptr_; }
  T& operator*() const noexcept { return *ptr_; }
  T* operator->() const noexcept { return ptr_; }
  explicit operator bool() const noexcept { return ptr_ != nullptr; }
  friend bool operator==(const SharedRef& a, const SharedRef& b) noexcept { return a.ptr_ == b.ptr_; }

 private:
  // The first reference to a value no other thread can see yet: a plain store, not an
  // atomic increment.
  explicit SharedRef(T* fresh) noexcept : ptr_(fresh) {
    if (ptr_) ptr_->refs_.store(1, std::memory_order_relaxed);
  }
  void retain() const noexcept {
    if (ptr_) ptr_->refs_.fetch_add(1, std::memory_order_relaxed);
  }
  // Inline only the null test: most contexts carry nothing, and the rest is cold code.
  void release() noexcept {
    if (ptr_) [[unlikely]]
      release_held();
  }
  // The only reference needs no atomic decrement: no other holder is left to take a new
  // one, and the acquire load sees every former holder's last use.
  [[gnu::noinline]] void release_held() noexcept {
    if (ptr_->refs_.load(std::memory_order_acquire) == 1 || ptr_->refs_.fetch_sub(1, std::memory_order_acq_rel) == 1)
      delete ptr_;
  }
  T* ptr_ = nullptr;
};

}  // namespace zspan::detail
