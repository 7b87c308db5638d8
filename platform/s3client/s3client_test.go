package s3client

import "testing"

func TestParse(t *testing.T) {
	s, err := Parse("s3://AK:SK@media/videos/?endpoint=http://minio:9000&region=eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	want := Settings{Bucket: "media", Prefix: "videos/", Endpoint: "http://minio:9000", Region: "eu-west-1", PathStyle: true, AccessKey: "AK", SecretKey: "SK"}
	if s != want {
		t.Errorf("settings = %+v, want %+v", s, want)
	}
	s, err = Parse("s3://media?path_style=false")
	if err != nil || s.PathStyle || s.Endpoint != "" || s.AccessKey != "" {
		t.Errorf("plain AWS URL: %+v, %v", s, err)
	}
	for _, bad := range []string{
		"file:///data", "s3://", "s3:///prefix", "s3://b?endpoint=ftp://x", "s3://b?endpoint=minio:9000",
		"s3://b?path_style=maybe", "s3://b?unknown=1", "s3://AK@b", "s3://b\x00",
	} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

func TestIsS3(t *testing.T) {
	for url, want := range map[string]bool{"s3://b": true, "s3://b/p?endpoint=http://x": true, "file:///data/videos": false, "": false} {
		if IsS3(url) != want {
			t.Errorf("IsS3(%q) = %v", url, !want)
		}
	}
}
