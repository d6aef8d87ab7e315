module example.com/streamgen

go 1.22
