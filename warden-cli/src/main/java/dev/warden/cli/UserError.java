package dev.warden.cli;

/** A failure caused by the user's input, reported as its message alone, with exit code 1. */
final class UserError extends Exception {

  UserError(String message) {
    super(message);
  }
}
