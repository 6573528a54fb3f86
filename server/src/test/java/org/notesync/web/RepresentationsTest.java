package org.notesync.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;
import tools.jackson.databind.json.JsonMapper;

class RepresentationsTest {

    private final JsonMapper json = JsonMapper.builder().build();
    private final Representations representations = new Representations(json);

    record Owner(UUID uuid, String name) {
    }

    record Thing(UUID uuid, String name, Instant at, Owner owner, String nothing) {
    }

    @Test
    void aCollectionMemberIsItsIdAndTypeThenTheItemAsItWouldBeWrittenAlone() {
        Thing thing = new Thing(UUID.fromString("7f1c9a52-9a86-4f57-9d4b-2d5a4e3f8a10"), "a \"quoted\" name",
                Instant.parse("2026-11-27T09:00:00Z"),
                new Owner(UUID.fromString("0b7c2c0e-5d0b-4a34-a2b6-52d51b9a7c11"), "Ada"), null);
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/things");
        request.addHeader("Accept", "application/ld+json");

        ResponseEntity<Object> response = representations.collection(request,
                new Representations.ResourceType("Note", "/notes"), new Page<>(List.of(thing), 1, 1, 30),
                Thing::uuid);

        String member = json.writeValueAsString(json.readTree(json.writeValueAsString(response.getBody()))
                .get("member").get(0));
        String alone = json.writeValueAsString(thing);
        assertThat(member).isEqualTo("{\"@id\":\"/notes/" + thing.uuid() + "\",\"@type\":\"Note\","
                + alone.substring(1));
    }

    @Test
    void aResourceTypeIsOneWhoseContextIsServed() {
        assertThatThrownBy(() -> new Representations.ResourceType("Thing", "/things"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Representations.TYPES");
    }
}
