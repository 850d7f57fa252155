// The interposed functions must carry the plain names: no large-file renaming (open -> open64) and no
// fortified inline wrappers from the C library's headers.
#undef _FORTIFY_SOURCE
#undef _FILE_OFFSET_BITS
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "tests/gui/openwatch.h"

#include <atomic>
#include <cstdarg>
#include <cstring>
#include <dlfcn.h>
#include <fcntl.h>
#include <mutex>
#include <pthread.h>
#include <stdio.h>

namespace {

std::atomic<bool> g_watching{false};
std::atomic<unsigned long> g_calls{0};
std::mutex g_mutex;
std::vector<std::string> g_names;
std::vector<openwatch::Open> g_opens;
pthread_t g_gui;

bool isSqlite(const char *library)
{
    return std::strstr(library, "libsqlite3") != nullptr || std::strstr(library, "libqsqlite") != nullptr;
}

void note(const char *function, const char *path, void *returnAddress)
{
    g_calls.fetch_add(1, std::memory_order_relaxed);
    if (!path || !g_watching.load(std::memory_order_acquire))
        return;
    const char *slash = std::strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const std::lock_guard<std::mutex> lock(g_mutex);
    if (!g_watching.load(std::memory_order_relaxed))
        return;
    for (const std::string &name : g_names) {
        if (name == base) {
            // For the calling thread this is prctl(), and dladdr() reads the loader's tables: no open.
            char thread[32] = "?";
            pthread_getname_np(pthread_self(), thread, sizeof thread);
            Dl_info info{};
            const char *library = dladdr(returnAddress, &info) && info.dli_fname ? info.dli_fname : "?";
            const char *shortName = std::strrchr(library, '/');
            g_opens.push_back({function, path, thread, pthread_equal(pthread_self(), g_gui) != 0,
                               shortName ? shortName + 1 : library, isSqlite(library)});
            return;
        }
    }
}

template<typename F> F next(const char *name)
{
    return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

bool needsMode(int flags)
{
#ifdef __OPEN_NEEDS_MODE
    return __OPEN_NEEDS_MODE(flags);
#else
    return (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE;
#endif
}

using OpenFn = int (*)(const char *, int, ...);
using OpenAtFn = int (*)(int, const char *, int, ...);
using Open2Fn = int (*)(const char *, int);
using OpenAt2Fn = int (*)(int, const char *, int);
using FopenFn = FILE *(*)(const char *, const char *);

} // namespace

namespace openwatch {

void start(const std::vector<std::string> &baseNames)
{
    const std::lock_guard<std::mutex> lock(g_mutex);
    g_names = baseNames;
    g_opens.clear();
    g_gui = pthread_self();
    g_watching.store(true, std::memory_order_release);
}

std::vector<Open> stop()
{
    const std::lock_guard<std::mutex> lock(g_mutex);
    g_watching.store(false, std::memory_order_release);
    std::vector<Open> out;
    out.swap(g_opens);
    return out;
}

unsigned long seenCalls()
{
    return g_calls.load();
}

} // namespace openwatch

extern "C" {

int open(const char *path, int flags, ...)
{
    static const auto real = next<OpenFn>("open");
    note("open", path, __builtin_return_address(0));
    int mode = 0;
    if (needsMode(flags)) {
        va_list ap;
        va_start(ap, flags);
        mode = va_arg(ap, int);
        va_end(ap);
    }
    return real(path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
    static const auto real = next<OpenFn>("open64");
    note("open64", path, __builtin_return_address(0));
    int mode = 0;
    if (needsMode(flags)) {
        va_list ap;
        va_start(ap, flags);
        mode = va_arg(ap, int);
        va_end(ap);
    }
    return real(path, flags, mode);
}

int openat(int dirfd, const char *path, int flags, ...)
{
    static const auto real = next<OpenAtFn>("openat");
    note("openat", path, __builtin_return_address(0));
    int mode = 0;
    if (needsMode(flags)) {
        va_list ap;
        va_start(ap, flags);
        mode = va_arg(ap, int);
        va_end(ap);
    }
    return real(dirfd, path, flags, mode);
}

int openat64(int dirfd, const char *path, int flags, ...)
{
    static const auto real = next<OpenAtFn>("openat64");
    note("openat64", path, __builtin_return_address(0));
    int mode = 0;
    if (needsMode(flags)) {
        va_list ap;
        va_start(ap, flags);
        mode = va_arg(ap, int);
        va_end(ap);
    }
    return real(dirfd, path, flags, mode);
}

// What code built with _FORTIFY_SOURCE calls for open(path, flags) without a mode.
int __open_2(const char *path, int flags)
{
    static const auto real = next<Open2Fn>("__open_2");
    note("__open_2", path, __builtin_return_address(0));
    return real(path, flags);
}

int __open64_2(const char *path, int flags)
{
    static const auto real = next<Open2Fn>("__open64_2");
    note("__open64_2", path, __builtin_return_address(0));
    return real(path, flags);
}

int __openat_2(int dirfd, const char *path, int flags)
{
    static const auto real = next<OpenAt2Fn>("__openat_2");
    note("__openat_2", path, __builtin_return_address(0));
    return real(dirfd, path, flags);
}

int __openat64_2(int dirfd, const char *path, int flags)
{
    static const auto real = next<OpenAt2Fn>("__openat64_2");
    note("__openat64_2", path, __builtin_return_address(0));
    return real(dirfd, path, flags);
}

FILE *fopen(const char *path, const char *mode)
{
    static const auto real = next<FopenFn>("fopen");
    note("fopen", path, __builtin_return_address(0));
    return real(path, mode);
}

FILE *fopen64(const char *path, const char *mode)
{
    static const auto real = next<FopenFn>("fopen64");
    note("fopen64", path, __builtin_return_address(0));
    return real(path, mode);
}

} // extern "C"
