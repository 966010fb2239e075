/**
 * The root of vclip's library: {@link dev.vclip.VclipException}, the base of every exception vclip throws for input
 * it cannot use, and {@link dev.vclip.AtomicFiles}, the atomic file writer every package that writes files uses
 * (here so that reports, datasets and weights can all use it without depending on each other).
 *
 * <p>Every package of vclip ends its {@code package-info.java} with the line below: the vclip packages its main
 * sources may use (itself always; a parent and its subpackages only when listed). vclip-core's
 * {@code PackageMapTest} and vclip-cli's {@code CommandLinePackageMapTest} hold the sources to it.
 *
 * <p>May depend on: nothing in vclip.
 */
package dev.vclip;
