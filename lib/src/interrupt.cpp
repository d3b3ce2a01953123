#include "senti/interrupt.h"

#include <signal.h>

namespace senti {
namespace {

volatile sig_atomic_t g_received = 0;
struct sigaction g_previous_int, g_previous_term;

extern "C" void on_signal(int signal) {
  g_received = signal;
}

}  // namespace

InterruptGuard::InterruptGuard() {
  g_received = 0;
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND | SA_RESTART;  // a second signal gets the default action
  ::sigaction(SIGINT, &action, &g_previous_int);
  ::sigaction(SIGTERM, &action, &g_previous_term);
}

InterruptGuard::~InterruptGuard() {
  ::sigaction(SIGINT, &g_previous_int, nullptr);
  ::sigaction(SIGTERM, &g_previous_term, nullptr);
}

int InterruptGuard::received() {
  return g_received;
}

}  // namespace senti
