module github.com/firebreak-ir/firebreak

go 1.26.8
