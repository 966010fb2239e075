/**
 * The root of vclip's library: {@link dev.vclip.VclipException}, the base of every exception vclip throws for input
 * it cannot use.
 *
 * <p>May depend on: nothing but the JDK.
 */
package dev.vclip;
