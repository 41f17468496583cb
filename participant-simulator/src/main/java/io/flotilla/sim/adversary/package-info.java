/**
 * Simulated attackers for exercising robust aggregation and update screening: sign flipping, scaling,
 * Gaussian noise, label flipping and free riding, assigned to a seeded subset of participants.
 */
package io.flotilla.sim.adversary;
