#include "server/privileges.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace tern {

namespace {

bool parse_id(const std::string& s, unsigned long* out) {
  if (s.size() < 2 || s[0] != '#') return false;
  char* end = nullptr;
  errno = 0;
  *out = std::strtoul(s.c_str() + 1, &end, 10);
  return errno == 0 && end && *end == '\0';
}

}  // namespace

bool resolve_identity(const std::string& user, const std::string& group, Identity* out,
                      std::string* error) {
  *out = Identity{};
  out->uid = ::getuid();
  out->gid = ::getgid();
  if (user.empty() && group.empty()) return true;
  unsigned long id = 0;
  if (!user.empty()) {
    if (parse_id(user, &id)) {
      out->uid = static_cast<uid_t>(id);
    } else {
      passwd* pw = ::getpwnam(user.c_str());
      if (!pw) {
        *error = "bad user name " + user;
        return false;
      }
      out->uid = pw->pw_uid;
      out->gid = pw->pw_gid;
      out->user_name = user;
    }
  }
  if (!group.empty()) {
    if (parse_id(group, &id)) {
      out->gid = static_cast<gid_t>(id);
    } else {
      struct group* gr = ::getgrnam(group.c_str());
      if (!gr) {
        *error = "bad group name " + group;
        return false;
      }
      out->gid = gr->gr_gid;
    }
  }
  out->switch_user = ::geteuid() == 0;
  return true;
}

bool drop_privileges(const Identity& id, std::string* error) {
  if (!id.switch_user) return true;
  int rc =
      id.user_name.empty() ? ::setgroups(1, &id.gid) : ::initgroups(id.user_name.c_str(), id.gid);
  if (rc != 0 || ::setgid(id.gid) != 0 || ::setuid(id.uid) != 0) {
    *error = std::string("could not switch to uid ") + std::to_string(id.uid) + " gid " +
             std::to_string(id.gid) + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace tern
