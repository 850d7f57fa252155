#pragma once

#include <QString>

#include <optional>
#include <utility>

namespace sd {

struct Error
{
    QString message;
};

// A value or one sentence saying why there is none. Services return these instead of throwing, so the
// command line, the console and the HTTP API all report the same text.
template<typename T> class Result
{
public:
    Result(T value) : m_value(std::move(value)) {} // NOLINT(google-explicit-constructor)
    Result(Error error) : m_error(std::move(error.message)) {} // NOLINT(google-explicit-constructor)

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }
    const T &value() const { return *m_value; }
    T &value() { return *m_value; }
    const T *operator->() const { return &*m_value; }
    T *operator->() { return &*m_value; }
    const T &operator*() const { return *m_value; }
    T &operator*() { return *m_value; }
    QString error() const { return m_error; }

private:
    std::optional<T> m_value;
    QString m_error;
};

struct Ok
{
};

} // namespace sd
