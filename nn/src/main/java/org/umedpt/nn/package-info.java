/**
 * Modules, parameters, the Swin encoder, optimizers and checkpoints. Not written yet: this module
 * builds empty until the encoder issue.
 */
package org.umedpt.nn;
