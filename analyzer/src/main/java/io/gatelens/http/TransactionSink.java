package io.gatelens.http;

/** Receives each finished exchange, in order of index on its connection. */
@FunctionalInterface
public interface TransactionSink {
    void transaction(Transaction t);
}
