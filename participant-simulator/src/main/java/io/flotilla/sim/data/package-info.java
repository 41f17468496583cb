/**
 * Data for simulated federations: in-memory {@link io.flotilla.sim.data.Dataset}s, the FedProx synthetic
 * generator, the Fashion-MNIST IDX reader, and NIID-Bench partitions of a pooled data set among parties.
 * Everything here is deterministic for a seed and free of engine and GUI dependencies.
 */
package io.flotilla.sim.data;
