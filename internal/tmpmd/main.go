package main

import (
	"fmt"
	"os"

	"github.com/octoacme/kb/internal/markdown"
)

func main() {
	src, _ := os.ReadFile(os.Args[1])
	c := markdown.New(markdown.Options{})
	d, err := c.Convert(src, "/articles/x/")
	if err != nil {
		panic(err)
	}
	fmt.Println(d.HTML)
	fmt.Printf("%+v\n%+v\n%+v\n%+v\nwords=%d\n", d.Headings, d.Links, d.Lists, d.Directives, d.Words)
	for _, b := range d.Blocks {
		fmt.Printf("%d %q sec=%d list=%v\n", b.Kind, b.Text, b.Section, b.InList)
	}
	fmt.Printf("%+v\n", d.Questions())
}
