#pragma once
// User/Group: the identity children switch to when started as root.

#include <sys/types.h>

#include <string>

namespace tern {

// The resolved User/Group.
struct Identity {
  bool switch_user = false;  // true only when running as root and User or Group is set
  uid_t uid = 0;
  gid_t gid = 0;
  std::string user_name;  // for initgroups; empty when User is a #uid
};

// Resolves `user` and `group` (names or "#id"; empty = keep the current one).
// When not root nothing is switched (as httpd). False and `*error` for an
// unknown name.
bool resolve_identity(const std::string& user, const std::string& group, Identity* out,
                      std::string* error);

// Switches to `id` (supplementary groups, gid, then uid). No-op unless
// id.switch_user. False and `*error` on failure.
bool drop_privileges(const Identity& id, std::string* error);

}  // namespace tern
