#include "lm/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "common/error.h"

namespace asr::lm {

namespace {
struct Mapping {
  void* addr = nullptr;
  size_t size = 0;
  ~Mapping() {
    if (addr != nullptr && addr != MAP_FAILED) munmap(addr, size);
  }
};
}  // namespace

MappedFile MapFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(ErrorKind::kNotFound, path + ": cannot open: " + std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw Error(ErrorKind::kNotFound, path + ": not a regular file");
  }
  MappedFile out;
  out.size = static_cast<size_t>(st.st_size);
  if (out.size == 0) {
    ::close(fd);
    static const uint64_t kEmpty = 0;
    out.data = reinterpret_cast<const uint8_t*>(&kEmpty);
    return out;
  }
  void* addr = ::mmap(nullptr, out.size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (addr == MAP_FAILED) {
    // Some filesystems refuse mmap; read the bytes instead.
    auto buf = std::make_shared<std::vector<uint64_t>>((out.size + 7) / 8);
    size_t done = 0;
    while (done < out.size) {
      ssize_t n = ::read(fd, reinterpret_cast<char*>(buf->data()) + done, out.size - done);
      if (n <= 0) {
        ::close(fd);
        throw Error(ErrorKind::kNotFound, path + ": read failed");
      }
      done += static_cast<size_t>(n);
    }
    ::close(fd);
    out.data = reinterpret_cast<const uint8_t*>(buf->data());
    out.owner = std::move(buf);
    return out;
  }
  ::close(fd);
  auto m = std::make_shared<Mapping>();
  m->addr = addr;
  m->size = out.size;
  out.data = static_cast<const uint8_t*>(addr);
  out.owner = std::move(m);
  return out;
}

void WriteFileBytes(const std::string& path, const void* data, size_t size) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) throw std::runtime_error(path + ": cannot create: " + std::strerror(errno));
  size_t n = size == 0 ? 0 : std::fwrite(data, 1, size, f);
  bool ok = n == size && std::fflush(f) == 0;
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) throw std::runtime_error(path + ": write failed");
}

}  // namespace asr::lm
