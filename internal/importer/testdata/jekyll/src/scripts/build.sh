#!/bin/sh
jekyll build
