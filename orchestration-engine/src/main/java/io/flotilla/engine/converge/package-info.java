/**
 * Learning control (issue 7, ADR 0015): stopping rules, the divergence alarm, drift indicators, calibration
 * statistics and significance tests. Everything here is plain computation on numbers the coordinator already
 * has (metrics, label histograms, update cosines); nothing sees raw data.
 */
package io.flotilla.engine.converge;
