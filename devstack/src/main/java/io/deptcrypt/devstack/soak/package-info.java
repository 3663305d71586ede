/**
 * {@code ./deptcrypt soak}: the stack driven at a steady rate for minutes, with faults on a schedule, then counted.
 *
 * <ul>
 *   <li>{@link io.deptcrypt.devstack.soak.SoakRun}: one run on a started stack: the {@code SoakSender} (paced events
 *       with partition keys through SQS), the fault schedule, sampling and progress lines, the drain and the read-back
 *       of the shared topic and any department sink topics.</li>
 *   <li>{@link io.deptcrypt.devstack.soak.SoakFault}: one kind of fault, one class each ({@code SoakBrokerFault},
 *       {@code SoakKmsFault}, {@code SoakEncryptorFault}); {@link io.deptcrypt.devstack.soak.SoakFaults} names them
 *       and parses {@code --faults}.</li>
 *   <li>{@link io.deptcrypt.devstack.soak.SoakTally}: the arithmetic (lost, duplicated, out of order, median windows,
 *       recovery), {@link io.deptcrypt.devstack.soak.SoakResult} what it gives, {@link io.deptcrypt.devstack.soak.SoakReport}
 *       as text or Markdown.</li>
 * </ul>
 *
 * <p>The command line itself is {@code io.deptcrypt.devstack.SoakCommand}, beside the stack options it shares.
 */
package io.deptcrypt.devstack.soak;
