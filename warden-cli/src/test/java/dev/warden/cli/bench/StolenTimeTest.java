package dev.warden.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StolenTimeTest {

  @Test
  void parse_readsTheStealColumnOfTheAggregateLine_inSeconds() {
    assertThat(StolenTime.parse("cpu  4705 150 1120 16250 520 0 12 734 0 0")).isEqualTo(7.34);
  }

  @Test
  void parse_refusesOtherLinesAndKernelsWithoutTheColumn() {
    assertThat(StolenTime.parse("cpu0 4705 150 1120 16250 520 0 12 734 0 0")).isNull();
    assertThat(StolenTime.parse("cpu  4705 150 1120 16250 520 0 12")).isNull();
    assertThat(StolenTime.parse("cpu  4705 150 1120 16250 520 0 12 x")).isNull();
  }

  @Test
  void sinceBoot_onThisLinuxMachine_isAValueThatDoesNotGoBack() {
    Double first = StolenTime.sinceBoot();
    Double second = StolenTime.sinceBoot();

    assertThat(first).isNotNull().isNotNegative();
    assertThat(second).isNotNull().isGreaterThanOrEqualTo(first);
  }

  @Test
  void report_saysHowMuchWasStolen_orThatTheSystemDoesNotSay() {
    assertThat(Report.stolen(0.123)).startsWith("0.12 cores stolen by the hypervisor");
    assertThat(Report.stolen(null)).isEqualTo("steal time not reported by this system");
  }
}
