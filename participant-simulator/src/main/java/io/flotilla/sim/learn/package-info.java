/**
 * Models that simulated participants train locally: {@link io.flotilla.sim.learn.Model} with a flat
 * parameter vector described by {@link io.flotilla.sim.learn.TensorShape}s, and its fully connected
 * implementations trained by mini-batch SGD with optional FedProx proximal term. Deterministic and
 * thread-safe; no engine dependency.
 */
package io.flotilla.sim.learn;
