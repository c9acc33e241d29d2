package dev.warden.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.api.json.Json;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad input gets a 4xx problem detail that names what was wrong and where. */
class BadInputTest {

  private static TestBroker broker;
  private static TestBroker.Raw alice;
  private static TestBroker.Raw admin;

  @BeforeAll
  static void start() {
    broker = TestBroker.start();
    alice = broker.raw(broker.issue("alice", "requester").asClientIdentity());
    admin = broker.raw(broker.issue("root", "admin").asClientIdentity());
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  private static JsonNode problem(HttpResponse<String> response, int status) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonNode problem = Json.mapper().readTree(response.body());
    assertThat(problem.path("status").asInt()).isEqualTo(status);
    assertThat(problem.path("type").asText()).startsWith("https://");
    assertThat(problem.path("title").asText()).isNotBlank();
    assertThat(problem.path("detail").asText()).isNotBlank();
    return problem;
  }

  @Test
  void bodyOver64KiB_is413() throws Exception {
    String reason = "x".repeat(70 * 1024);

    HttpResponse<String> response =
        alice.post("/v1/requests", "{\"roles\":[\"prod-db\"],\"reason\":\"" + reason + "\"}");

    problem(response, 413);
  }

  @Test
  void unknownFields_are400NamingEachField() throws Exception {
    HttpResponse<String> response =
        alice.post(
            "/v1/requests",
            "{\"roles\":[\"prod-db\"],\"reason\":\"r\",\"colour\":\"red\",\"priority\":1}");

    JsonNode problem = problem(response, 400);
    assertThat(problem.path("errors").findValuesAsText("field")).contains("colour", "priority");
  }

  @Test
  void malformedJson_is400WithLineAndColumn() throws Exception {
    HttpResponse<String> response = alice.post("/v1/requests", "{\n  \"roles\": [\"prod-db\",]\n}");

    JsonNode problem = problem(response, 400);
    assertThat(problem.path("type").asText()).endsWith("malformed-json");
    assertThat(problem.path("detail").asText()).contains("line 2, column");
  }

  @Test
  void unknownRolesAndResources_are400NamingEach() throws Exception {
    HttpResponse<String> response =
        alice.post(
            "/v1/requests",
            "{\"roles\":[\"prod-db\",\"root\"],\"resources\":[\"node/nowhere\"],\"reason\":\"r\"}");

    JsonNode problem = problem(response, 400);
    assertThat(problem.path("errors").findValuesAsText("field"))
        .containsExactly("roles[1]", "resources[0]");
    assertThat(problem.toString()).contains("root", "node/nowhere");
  }

  @Test
  void tooManyRolesAndResources_are400() throws Exception {
    StringBuilder resources = new StringBuilder();
    for (int i = 0; i < 65; i++) {
      resources.append(i == 0 ? "" : ",").append("\"db/dev-orders\"");
    }

    HttpResponse<String> response =
        alice.post("/v1/requests", "{\"resources\":[" + resources + "],\"reason\":\"r\"}");

    JsonNode problem = problem(response, 400);
    assertThat(problem.path("detail").asText()).contains("limit is 64");
  }

  @Test
  void stringOver1KiB_is400NamingTheField() throws Exception {
    HttpResponse<String> response =
        alice.post(
            "/v1/requests", "{\"roles\":[\"prod-db\"],\"reason\":\"" + "r".repeat(1025) + "\"}");

    JsonNode problem = problem(response, 400);
    assertThat(problem.path("errors").findValuesAsText("field")).containsExactly("reason");
  }

  @Test
  void unsafeId_is400() throws Exception {
    HttpResponse<String> response =
        alice.post("/v1/requests", "{\"roles\":[\"prod db;drop\"],\"reason\":\"r\"}");

    JsonNode problem = problem(response, 400);
    assertThat(problem.path("errors").findValuesAsText("field")).containsExactly("roles[0]");
  }

  @Test
  void wrongTypeAndMissingField_are400NamingTheField() throws Exception {
    HttpResponse<String> wrongType =
        alice.post("/v1/requests", "{\"roles\":\"prod-db\",\"reason\":\"r\"}");
    HttpResponse<String> missing = alice.post("/v1/requests", "{\"roles\":[\"prod-db\"]}");

    assertThat(problem(wrongType, 400).path("errors").findValuesAsText("field"))
        .containsExactly("roles");
    assertThat(problem(missing, 400).path("errors").findValuesAsText("field"))
        .containsExactly("reason");
  }

  @Test
  void unknownPath_is404_andWrongMethod_is405() throws Exception {
    problem(alice.get("/v1/nothing-here"), 404);
    problem(alice.send("DELETE", "/v1/requests", ""), 405);
  }

  @Test
  void badQuery_is400NamingTheParameter() throws Exception {
    JsonNode state = problem(alice.get("/v1/requests?state=LIMBO"), 400);
    JsonNode unknown = problem(alice.get("/v1/requests?colour=red"), 400);

    assertThat(state.path("errors").findValuesAsText("field")).containsExactly("state");
    assertThat(unknown.path("errors").findValuesAsText("field")).containsExactly("colour");
  }

  /**
   * Found by the bad-input fuzzer: a query parameter without a name ({@code ?=5}) was reported as
   * an error of the field "", which names nothing a client could correct.
   */
  @Test
  void queryParameterWithoutAName_is400NamingTheQuery() throws Exception {
    JsonNode problem = problem(alice.get("/v1/events?=5"), 400);

    assertThat(problem.path("errors").findValuesAsText("field")).containsExactly("(query)");
    assertThat(problem.path("detail").asText()).contains("no name");
  }

  /**
   * Found by the bad-input fuzzer: a ttl that reaches past what the store can keep (here some 292
   * million years) failed inside the store with an IllegalArgumentException, which became a 500.
   */
  @Test
  void ttlBeyondTheLatestTime_is400NamingTtl() throws Exception {
    HttpResponse<String> response =
        alice.post(
            "/v1/requests", "{\"roles\":[\"dev-db\"],\"reason\":\"r\",\"ttl\":\"P106751991167D\"}");

    JsonNode problem = problem(response, 400);
    assertThat(problem.path("errors").findValuesAsText("field")).containsExactly("ttl");
  }

  /** Found with the one above: the store keeps microseconds, so 100 ns became a 500 too. */
  @Test
  void ttlBelowAMicrosecond_is400NamingTtl() throws Exception {
    HttpResponse<String> response =
        alice.post(
            "/v1/requests", "{\"roles\":[\"dev-db\"],\"reason\":\"r\",\"ttl\":\"PT0.0000001S\"}");

    JsonNode problem = problem(response, 400);
    assertThat(problem.path("errors").findValuesAsText("field")).containsExactly("ttl");
  }

  /**
   * Found by the bad-input fuzzer: a lock expiring in the year 999999999 failed inside the store
   * (beyond 64 bits of microseconds) as a 500; now any expiry after 9999, which RFC 3339 cannot
   * write, is refused up front.
   */
  @Test
  void lockExpiringAfterYear9999_is400NamingExpires() throws Exception {
    HttpResponse<String> far =
        admin.post(
            "/v1/locks",
            "{\"target\":{\"user\":\"bob\"},\"message\":\"m\","
                + "\"expires\":\"+999999999-12-31T23:59:59Z\"}");
    HttpResponse<String> early =
        admin.post(
            "/v1/locks",
            "{\"target\":{\"user\":\"bob\"},\"message\":\"m\","
                + "\"expires\":\"-999999999-01-01T00:00:00Z\"}");

    assertThat(problem(far, 400).path("errors").findValuesAsText("field"))
        .containsExactly("expires");
    assertThat(problem(early, 400).path("errors").findValuesAsText("field"))
        .containsExactly("expires");
  }
}
