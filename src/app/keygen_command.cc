#include <ostream>

#include "app/commands.h"
#include "crypto/fernet.h"

namespace ac {

int run_keygen(std::ostream& out) {
  out << FernetKey::generate().text() << '\n';
  return 0;
}

}  // namespace ac
