#include "import/mongo_export.h"

#include <gtest/gtest.h>

#include <sstream>

namespace ac {
namespace {

using json = nlohmann::json;

json relaxed() {
  return json::parse(R"({
    "_id": {"$oid": "65b4f0c2a1b2c3d4e5f60718"},
    "user_id": "platform-user-1",
    "audible_user_id": "amzn1.account.X",
    "access_token": "gAAAAA-access",
    "refresh_token": "gAAAAA-refresh",
    "expires_at": {"$date": "2026-01-27T10:00:00.000Z"},
    "connected_at": {"$date": "2026-01-20T09:30:00Z"},
    "synced_at": {"$date": "2026-01-27T09:00:00.5+01:00"},
    "last_sync_error": null,
    "sync_status": "synced",
    "is_active": true
  })");
}

std::vector<MongoDocument> read_all(const std::string& text) {
  std::istringstream in(text);
  std::vector<MongoDocument> documents;
  read_mongo_export(in, [&](MongoDocument d) { documents.push_back(std::move(d)); });
  return documents;
}

TEST(MongoExport, RelaxedExtendedJson) {
  const auto account = parse_mongo_account(relaxed());
  ASSERT_TRUE(account) << account.error();
  const AccountRecord& r = account->record;
  EXPECT_EQ(r.user_id, "platform-user-1");
  EXPECT_EQ(r.audible_user_id, "amzn1.account.X");
  EXPECT_EQ(r.access_token, "gAAAAA-access");
  EXPECT_EQ(r.refresh_token, "gAAAAA-refresh");
  EXPECT_EQ(r.expires_at, 1769508000);
  EXPECT_EQ(r.connected_at, 1768901400);
  EXPECT_EQ(r.synced_at, 1769500800);  // 09:00:00.5 at +01:00 is 08:00:00 UTC
  EXPECT_FALSE(r.last_sync_error);
  EXPECT_EQ(r.sync_status, "synced");
  EXPECT_TRUE(account->is_active);
}

TEST(MongoExport, CanonicalExtendedJsonAndObjectIdReferences) {
  auto document = relaxed();
  document["user_id"] = {{"$oid", "65b4f0c2a1b2c3d4e5f60799"}};
  document["expires_at"] = {{"$date", {{"$numberLong", "1769508000123"}}}};
  document["connected_at"] = {{"$date", 1768901400000}};
  document["is_active"] = false;
  const auto account = parse_mongo_account(document);
  ASSERT_TRUE(account) << account.error();
  EXPECT_EQ(account->record.user_id, "65b4f0c2a1b2c3d4e5f60799");
  EXPECT_EQ(account->record.expires_at, 1769508000);
  EXPECT_EQ(account->record.connected_at, 1768901400);
  EXPECT_FALSE(account->is_active);
}

TEST(MongoExport, MissingOptionalFieldsTakeDefaults) {
  const auto account = parse_mongo_account(json::parse(
      R"({"user_id": "u", "access_token": "plain-access", "created_at": {"$date": "2025-05-01T00:00:00Z"}})"));
  ASSERT_TRUE(account) << account.error();
  EXPECT_EQ(account->record.refresh_token, "");
  EXPECT_EQ(account->record.expires_at, 0);
  EXPECT_EQ(account->record.connected_at, 1746057600);  // created_at stands in
  EXPECT_EQ(account->record.sync_status, "never_synced");
}

TEST(MongoExport, WrongTypesAreNamedButNeverQuoted) {
  const std::vector<std::pair<std::string, json>> broken = {
      {"missing user_id", json{{"access_token", "gAAAAA-secret"}}},
      {"user_id is not a string", json{{"user_id", 7}, {"access_token", "gAAAAA-secret"}}},
      {"missing access_token", json{{"user_id", "u"}}},
      {"access_token is not a string", json{{"user_id", "u"}, {"access_token", 1}}},
      {"expires_at is not a date",
       json{{"user_id", "u"}, {"access_token", "gAAAAA-secret"}, {"expires_at", "tomorrow"}}},
      {"expires_at is not a date", json{{"user_id", "u"},
                                        {"access_token", "gAAAAA-secret"},
                                        {"expires_at", {{"$date", "2026-13-01T00:00:00Z"}}}}},
      {"is_active is not a boolean",
       json{{"user_id", "u"}, {"access_token", "gAAAAA-secret"}, {"is_active", "yes"}}},
      {"not a JSON object", json::array()},
  };
  for (const auto& [reason, document] : broken) {
    const auto account = parse_mongo_account(document);
    ASSERT_FALSE(account) << document.dump();
    EXPECT_EQ(account.error(), reason);
    EXPECT_EQ(account.error().find("secret"), std::string::npos);
  }
}

TEST(MongoExport, LinesAreNumberedAndBadOnesReported) {
  const auto documents =
      read_all("\n" + relaxed().dump() + "\n\n{broken\n" + R"({"access_token": "x"})" + "\n");
  ASSERT_EQ(documents.size(), 3u);
  EXPECT_EQ(documents[0].position, 2);
  EXPECT_TRUE(documents[0].account);
  EXPECT_EQ(documents[1].position, 4);
  EXPECT_EQ(documents[1].account.error(), "not valid JSON");
  EXPECT_EQ(documents[2].position, 5);
  EXPECT_EQ(documents[2].account.error(), "missing user_id");
}

TEST(MongoExport, JsonArrayDumps) {
  json array = json::array({relaxed(), relaxed(), json{{"user_id", 1}}});
  array[1]["user_id"] = "platform-user-2";
  const auto documents = read_all("  \n" + array.dump(2));
  ASSERT_EQ(documents.size(), 3u);
  EXPECT_EQ(documents[1].position, 2);
  EXPECT_EQ(documents[1].account->record.user_id, "platform-user-2");
  EXPECT_FALSE(documents[2].account);
  EXPECT_EQ(read_all("[1, 2").front().account.error(), "not a JSON array of documents");
}

}  // namespace
}  // namespace ac
