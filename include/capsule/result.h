/// @file
/// Errors as values: every fallible call at a boundary of the HDK returns a Result<T> or a Status.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace capsule {

/// What went wrong, coarsely; callers branch on the code and show the message.
enum class ErrorCode {
  kInvalidArgument,  ///< the caller passed something unusable (bad flag, bad signature)
  kNotFound,         ///< a file, export or import that does not exist
  kInvalidModule,    ///< bytes that are not a valid WebAssembly module
  kLinkError,        ///< an import the linker cannot satisfy, or a type mismatch
  kTrap,             ///< the guest trapped (unreachable, out-of-bounds access, ...)
  kInterrupted,      ///< the call was interrupted from another thread or hit its deadline
  kExit,             ///< the guest called proc_exit; Error::exit_code holds the code
  kResourceLimit,    ///< a memory or size limit was reached
  kIo,               ///< the host's file system or network failed
  kInternal,         ///< a bug or an engine failure
};

/// A failure: a code, a readable message and, for kExit, the guest's exit code.
struct Error {
  ErrorCode code = ErrorCode::kInternal;  ///< what kind of failure
  std::string message;                    ///< for people: what failed and why
  int exit_code = 0;                      ///< the guest's exit code, for kExit

  /// Name of the code, for messages ("trap", "link error", ...).
  const char* code_name() const;
};

/// Builds an Error; the usual way to fail: `return Fail(ErrorCode::kIo, "cannot read " + path);`
inline Error Fail(ErrorCode code, std::string message) {
  return Error{code, std::move(message), 0};
}

/// A value or an Error. Holds exactly one of them; value() on an error (or error() on a value) is a bug: asserted in
/// debug builds, std::bad_variant_access thrown in the others.
template <class T>
class [[nodiscard]] Result {
 public:
  ///@{
  /// A success holding value, or a failure (implicit, so that a function can `return value;` or `return Fail(...);`).
  Result(T value) : data_(std::move(value)) {}
  Result(Error error) : data_(std::move(error)) {}
  ///@}

  ///@{
  /// Whether this holds a value.
  bool ok() const { return data_.index() == 0; }
  explicit operator bool() const { return ok(); }
  ///@}

  ///@{
  /// The value; calling these on an error is a bug (asserted in debug builds, std::bad_variant_access otherwise).
  T& value() & {
    assert(ok());
    return std::get<0>(data_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(data_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(data_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  ///@}

  /// The error; calling it on a value is a bug (asserted in debug builds, std::bad_variant_access otherwise).
  const Error& error() const {
    assert(!ok());
    return std::get<1>(data_);
  }
  /// The error, moved out (to return it further up); calling it on a value is a bug.
  Error&& take_error() {
    assert(!ok());
    return std::get<1>(std::move(data_));
  }

 private:
  std::variant<T, Error> data_;
};

/// Success or an Error, for calls that return nothing.
class [[nodiscard]] Status {
 public:
  Status() = default;
  /// A failure (implicit: `return Fail(...);`).
  Status(Error error) : error_(std::move(error)) {}
  /// The success (as Status() is).
  static Status Ok() { return Status(); }

  ///@{
  /// Whether this is a success.
  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  ///@}
  /// The error; calling it on a success is a bug (asserted in debug builds, std::bad_optional_access otherwise).
  const Error& error() const {
    assert(!ok());
    return error_.value();
  }
  /// The error, moved out (to return it further up); calling it on a success is a bug, as for error().
  Error&& take_error() {
    assert(!ok());
    return std::move(error_).value();
  }

 private:
  std::optional<Error> error_;
};

inline const char* Error::code_name() const {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid argument";
    case ErrorCode::kNotFound: return "not found";
    case ErrorCode::kInvalidModule: return "invalid module";
    case ErrorCode::kLinkError: return "link error";
    case ErrorCode::kTrap: return "trap";
    case ErrorCode::kInterrupted: return "interrupted";
    case ErrorCode::kExit: return "exit";
    case ErrorCode::kResourceLimit: return "resource limit";
    case ErrorCode::kIo: return "i/o error";
    case ErrorCode::kInternal: return "internal error";
  }
  return "error";
}

}  // namespace capsule

/// Returns the error of expr (a Status or a Result<T>) from the calling function, which must return a Status or a
/// Result; goes on when expr succeeded.
#define CAPSULE_RETURN_IF_ERROR(expr)                               \
  do {                                                              \
    auto capsule_status_ = (expr);                                  \
    if (!capsule_status_.ok()) return capsule_status_.take_error(); \
  } while (0)
