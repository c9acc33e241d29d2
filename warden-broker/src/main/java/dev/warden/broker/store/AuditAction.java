package dev.warden.broker.store;

/** The kinds of state change the audit trail records. */
public enum AuditAction {
  REQUEST_CREATED,
  REQUEST_APPROVED,
  REQUEST_DENIED,
  REQUEST_EXPIRED,
  LOCK_CREATED,
  LOCK_DELETED
}
