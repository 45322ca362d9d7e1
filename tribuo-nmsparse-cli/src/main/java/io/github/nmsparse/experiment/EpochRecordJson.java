package io.github.nmsparse.experiment;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.github.nmsparse.engine.EpochRecord;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Epoch records in experiment result files: a JSON object of the record's fields, through the record's own codec.
 * A field a file from before a measure existed lacks reads as NaN, 0 or an empty list.
 */
final class EpochRecordJson {

    private EpochRecordJson() {
    }

    /** @return the Jackson module that writes and reads {@link EpochRecord}s */
    static SimpleModule module() {
        SimpleModule module = new SimpleModule("epoch-records");
        module.addSerializer(EpochRecord.class, new JsonSerializer<>() {
            @Override
            public void serialize(EpochRecord record, JsonGenerator json, SerializerProvider provider) throws IOException {
                json.writeStartObject();
                record.writeTo(new EpochRecord.Sink<IOException>() {
                    @Override
                    public void putInt(String name, int value) throws IOException {
                        json.writeNumberField(name, value);
                    }

                    @Override
                    public void putLong(String name, long value) throws IOException {
                        json.writeNumberField(name, value);
                    }

                    @Override
                    public void putDouble(String name, double value) throws IOException {
                        json.writeNumberField(name, value);
                    }

                    @Override
                    public void putLongs(String name, List<Long> values) throws IOException {
                        json.writeArrayFieldStart(name);
                        for (long v : values) {
                            json.writeNumber(v);
                        }
                        json.writeEndArray();
                    }
                });
                json.writeEndObject();
            }
        });
        module.addDeserializer(EpochRecord.class, new JsonDeserializer<>() {
            @Override
            public EpochRecord deserialize(JsonParser parser, DeserializationContext context) throws IOException {
                JsonNode node = parser.readValueAsTree();
                return EpochRecord.readFrom(new EpochRecord.Source<RuntimeException>() {
                    @Override
                    public int getInt(String name) {
                        return node.path(name).asInt(0);
                    }

                    @Override
                    public long getLong(String name) {
                        return node.path(name).asLong(0);
                    }

                    @Override
                    public double getDouble(String name) {
                        return node.has(name) ? node.get(name).asDouble() : Double.NaN;
                    }

                    @Override
                    public List<Long> getLongs(String name) {
                        List<Long> values = new ArrayList<>();
                        node.path(name).forEach(v -> values.add(v.asLong()));
                        return values;
                    }
                });
            }
        });
        return module;
    }
}
